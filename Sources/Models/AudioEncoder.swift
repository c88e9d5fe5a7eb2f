import NN
import Tensor

/// Encoder of the reference mel `[B, R, n_mels]`: a stack of ``ConvBlock``s (kernel 5) or
/// of GRUs, giving per-frame features and a global voice embedding:
///
/// ```
/// cnn:  h = maskₗ ⊙ ConvBlockₗ(h)         gru:  h = GRUₗ(h)   (forward only)
/// sequence = h [B, R, d]                   global = Σ_t mask·h / Σ_t mask   [B, d]
/// ```
/// The GRU runs forward in time, so padding after a reference never reaches its valid
/// frames; the pooled mean skips padding in both kinds.
public final class AudioEncoder: Module {
    public let convs: [ConvBlock]
    public let grus: [GRU]

    init(_ config: ModelConfig, generator: inout SplitMix64) {
        let (n, d, layers) = (config.features.nMels, config.dim, config.audioEncoder.layers)
        switch config.audioEncoder.kind {
        case .cnn:
            convs = (0..<layers).map { ConvBlock($0 == 0 ? n : d, d, kernel: 5, generator: &generator) }
            grus = []
        case .gru:
            grus = (0..<layers).map { GRU(inputSize: $0 == 0 ? n : d, hiddenSize: d, generator: &generator) }
            convs = []
        }
    }

    /// `mel` `[B, R, n_mels]`, `mask` `[B, R]` → per-frame `[B, R, d]` and global `[B, d]`.
    func callAsFunction(_ mel: Tensor, mask: Tensor) -> (sequence: Tensor, global: Tensor) {
        var h = mel
        for conv in convs { h = conv(h).masked(mask) }
        for gru in grus { h = gru(h).outputs }
        return (h, h.maskedMean(mask))
    }
}
