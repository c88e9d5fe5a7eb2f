import NN
import Tensor

/// Regulated features `[B, F, d]` → log-mel `[B, F, n_mels]`:
///
/// ```
/// h = mask ⊙ (x + PE)                                   sinusoidal frame positions
/// conv:         h = mask ⊙ (h + ConvBlockₗ(h))         kernel 5, residual
/// transformer:  h = TransformerLayerₗ(h, key padding)   pre-norm, heads of the text encoder
/// mel = W · h
/// ```
public final class Decoder: Module {
    public let convs: [ConvBlock]
    public let layers: [TransformerEncoderLayer]
    public let proj: Linear
    let dim: Int

    init(_ config: ModelConfig, generator: inout SplitMix64) {
        let (d, n) = (config.dim, config.decoder.layers)
        dim = d
        switch config.decoder.kind {
        case .conv:
            convs = (0..<n).map { _ in ConvBlock(d, d, kernel: 5, generator: &generator) }
            layers = []
        case .transformer:
            let t = config.textEncoder
            layers = (0..<n).map { _ in
                TransformerEncoderLayer(dimensions: d, heads: t.heads, feedForward: t.ffn, dropout: 0,
                                        normFirst: true, generator: &generator)
            }
            convs = []
        }
        proj = Linear(d, config.features.nMels, generator: &generator)
    }

    func callAsFunction(_ x: Tensor, frameMask: Tensor, framePadding: Tensor) -> Tensor {
        var h = (x + sinusoidalPositions(length: x.shape[1], dimensions: dim)).masked(frameMask)
        for conv in convs { h = (h + conv(h)).masked(frameMask) }
        for layer in layers { h = layer(h, keyPaddingMask: framePadding) }
        return proj(h).masked(frameMask)
    }
}

/// Tacotron 2's residual post-net, smaller: three convolutions (kernel 5) with tanh between,
/// `mel' = mel + mask ⊙ conv₃(tanh(conv₂(tanh(conv₁(mel)))))`.
public final class PostNet: Module {
    public let convs: [Conv1d]

    init(nMels: Int, dim: Int, generator: inout SplitMix64) {
        convs = [Conv1d(nMels, dim, kernelSize: 5, padding: 2, generator: &generator),
                 Conv1d(dim, dim, kernelSize: 5, padding: 2, generator: &generator),
                 Conv1d(dim, nMels, kernelSize: 5, padding: 2, generator: &generator)]
    }

    func callAsFunction(_ mel: Tensor, frameMask: Tensor) -> Tensor {
        var h = mel.transposed(1, 2)
        for (i, conv) in convs.enumerated() {
            h = conv(h)
            if i < convs.count - 1 { h = h.tanh() }
        }
        return mel + h.transposed(1, 2).masked(frameMask)
    }
}
