import NN
import Tensor

/// Vocos' backbone: mel frames to one feature vector per frame, at the frame rate
/// (no upsampling: the head's inverse STFT does that).
///
/// ```
/// x = LayerNorm(embed(mel))           embed: Conv1d nMels → dim, kernel 7, padding 3
/// x = convnext[layers − 1](… convnext[0](x))      ``ConvNeXtBlock``s
/// h = final_layer_norm(x)
/// ```
/// Shapes: `[B, nMels, T]` → `[B, T, dim]`; LayerNorms (ε = 1e-6) normalise over channels.
public final class VocosBackbone: Module {
    public let embed: Conv1d
    public let norm: LayerNorm
    public let convnext: [ConvNeXtBlock]
    @Key("final_layer_norm") public var finalLayerNorm: LayerNorm

    public init(config: VocosConfig, generator: inout SplitMix64) {
        embed = Conv1d(config.nMels, config.dim, kernelSize: 7, padding: 3, generator: &generator)
        norm = LayerNorm(config.dim, epsilon: 1e-6)
        convnext = (0..<config.layers).map { _ in
            ConvNeXtBlock(dim: config.dim, intermediate: config.intermediate,
                          layerScale: config.layerScale, generator: &generator)
        }
        super.init()
        _finalLayerNorm.wrappedValue = LayerNorm(config.dim, epsilon: 1e-6)
    }

    public func callAsFunction(_ mel: Tensor) -> Tensor {
        var x = norm(embed(mel).transposed(1, 2)).transposed(1, 2)  // [B, dim, T]
        for block in convnext { x = block(x) }
        return finalLayerNorm(x.transposed(1, 2))                    // [B, T, dim]
    }
}
