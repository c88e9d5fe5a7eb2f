import NN
import Tensor

/// The convolution unit of the audio encoder, the variance predictors and the conv decoder
/// (FastSpeech 2's), over time-major features:
///
/// ```
/// y = norm(relu(conv(x)))          conv: kernel k, padding k/2 (length kept)
/// x [B, T, in] → y [B, T, out]
/// ```
/// Callers multiply by the frame mask where padding must stay zero.
public final class ConvBlock: Module {
    public let conv: Conv1d
    public let norm: LayerNorm

    init(_ inChannels: Int, _ outChannels: Int, kernel: Int, generator: inout SplitMix64) {
        precondition(kernel % 2 == 1, "ConvBlock: kernel \(kernel) must be odd to keep the length")
        conv = Conv1d(inChannels, outChannels, kernelSize: kernel, padding: kernel / 2, generator: &generator)
        norm = LayerNorm(outChannels)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        norm(conv(x.transposed(1, 2)).transposed(1, 2).relu())
    }
}

extension Tensor {
    /// `self` `[B, T, C]` with rows where `mask` `[B, T]` is 0 set to zero.
    func masked(_ mask: Tensor) -> Tensor { self * mask.unsqueezed(2) }

    /// Mean over the valid rows: `Σ_t mask·x / Σ_t mask`, `[B, T, C]` → `[B, C]`.
    func maskedMean(_ mask: Tensor) -> Tensor {
        masked(mask).sum(axes: [1]) / mask.sum(axes: [1], keepDims: true)
    }
}
