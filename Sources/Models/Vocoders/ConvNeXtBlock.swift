import NN
import Tensor

/// A ConvNeXt block over a sequence (Liu et al. 2022, 1-D as in Vocos): mixes along time
/// with a depthwise convolution, then along channels with an inverted bottleneck, and adds
/// the result scaled by a learned per-channel factor.
///
/// ```
/// h = LayerNorm(dwconv(x))          depthwise Conv1d, kernel 7, padding 3; norm over channels
/// y = x + γ ⊙ pwconv2(GELU(pwconv1(h)))     dim → intermediate → dim
/// γ = layerScale · 1 initially (Vocos: 1/layers), so a deep stack starts near the identity
/// ```
/// Shapes: `[B, dim, T]` → `[B, dim, T]`.
public final class ConvNeXtBlock: Module {
    public let dwconv: Conv1d
    public let norm: LayerNorm
    public let pwconv1: Linear
    public let pwconv2: Linear
    public let gamma: Tensor

    public init(dim: Int, intermediate: Int, layerScale: Float, generator: inout SplitMix64) {
        dwconv = Conv1d(dim, dim, kernelSize: 7, padding: 3, groups: dim, generator: &generator)
        norm = LayerNorm(dim, epsilon: 1e-6)
        pwconv1 = Linear(dim, intermediate, generator: &generator)
        pwconv2 = Linear(intermediate, dim, generator: &generator)
        gamma = .full([dim], layerScale, requiresGrad: true)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = norm(dwconv(x).transposed(1, 2))                  // [B, T, dim]
        let y = gamma * pwconv2(pwconv1(h).gelu())
        return x + y.transposed(1, 2)
    }
}
