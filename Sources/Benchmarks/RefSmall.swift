import NN
import Tensor

/// The configuration of the bench model 'ref-small'. The defaults are the benchmark's
/// (about 4.95 M parameters, about 19.3 GFLOP forward at batch 16); the parity test runs
/// the same architecture at a tiny size.
public struct RefSmallConfig: Sendable, Equatable {
    public var vocabulary = 64
    public var dimensions = 256
    public var heads = 4
    public var feedForward = 1024
    public var layers = 4
    public var melBins = 80
    /// Channels of the reference encoder's convolutions before the last (which has `dimensions`).
    public var referenceChannels = [128, 128]
    public var referenceKernel = 3
    public var decoderLayers = 4
    public var decoderKernel = 5
    /// Frames per token (length regulation).
    public var repeatCount = 4
    public var tokens = 64
    public var referenceFrames = 128
    public var batch = 16

    public init() {}

    /// Multiply-adds × 2 of one forward pass at `batch` (matrix products and convolutions;
    /// elementwise work, softmax and norms are not counted).
    public func forwardFLOPs(batch: Int) -> Double {
        let (d, t, r, f) = (Double(dimensions), Double(tokens), Double(referenceFrames), Double(tokens * repeatCount))
        let attentionScores = 2 * 2 * t * t * d                        // QKᵀ and A·V
        let encoderLayer = 2 * t * (4 * d * d + 2 * d * Double(feedForward)) + attentionScores
        let channels = [melBins] + referenceChannels + [dimensions]
        var reference = 0.0
        for i in 0..<(channels.count - 1) {
            reference += 2 * r * Double(channels[i] * channels[i + 1] * referenceKernel)
        }
        let fusion = 2 * t * 2 * d * d + 2 * r * 2 * d * d + 2 * 2 * t * r * d
        let decoder = Double(decoderLayers) * 2 * f * d * d * Double(decoderKernel) + 2 * f * d * Double(melBins)
        return Double(batch) * (Double(layers) * encoderLayer + reference + fusion + decoder)
    }
}

/// The bench model 'ref-small', a first sketch of FunAudio's text + reference-audio model:
///
/// ```
/// text:      x = embedding(tokens) + sinusoidal positions              [B, T, d]
///            x = pre-norm Transformer encoder layers (ReLU, dropout 0)  [B, T, d]
/// reference: a = ReLU(Conv1d(...)) × 3 over the reference mel          [B, d, R] → [B, R, d]
/// fusion:    x = x + MultiHeadAttention(LayerNorm(x), a, a)            [B, T, d]
/// length:    each token repeated `repeatCount` times                   [B, F, d]
/// decoder:   y = ReLU(Conv1d(y)) × decoderLayers, then Linear d → mel  [B, F, mel]
/// ```
/// Trained with an L1 loss against a target mel and Adam (lr 1e-3). Parameter names match
/// `scripts/peers/ref_small.py`, so its PyTorch state dict loads here.
public final class RefSmall: Module {
    public let config: RefSmallConfig
    public let embedding: Embedding
    public let encoder: [TransformerEncoderLayer]
    @Key("ref_encoder") public var referenceEncoder: [Conv1d]
    @Key("fusion_norm") public var fusionNorm: LayerNorm
    @Key("fusion_attn") public var fusionAttention: MultiHeadAttention
    public let decoder: [Conv1d]
    public let out: Linear
    /// Position tables by length (constants, not parameters).
    private var positions: [Int: Tensor] = [:]

    public init(_ config: RefSmallConfig = RefSmallConfig(), seed: UInt64 = 0) {
        var g = SplitMix64(seed: seed)
        let c = config
        self.config = c
        embedding = Embedding(c.vocabulary, c.dimensions, generator: &g)
        encoder = (0..<c.layers).map { _ in
            TransformerEncoderLayer(dimensions: c.dimensions, heads: c.heads, feedForward: c.feedForward,
                                    dropout: 0, activation: .relu, normFirst: true, generator: &g)
        }
        let channels = [c.melBins] + c.referenceChannels + [c.dimensions]
        _referenceEncoder.wrappedValue = (0..<(channels.count - 1)).map { i in
            Conv1d(channels[i], channels[i + 1], kernelSize: c.referenceKernel, padding: c.referenceKernel / 2, generator: &g)
        }
        _fusionNorm.wrappedValue = LayerNorm(c.dimensions)
        _fusionAttention.wrappedValue = MultiHeadAttention(dimensions: c.dimensions, heads: c.heads, generator: &g)
        decoder = (0..<c.decoderLayers).map { _ in
            Conv1d(c.dimensions, c.dimensions, kernelSize: c.decoderKernel, padding: c.decoderKernel / 2, generator: &g)
        }
        out = Linear(c.dimensions, c.melBins, generator: &g)
    }

    /// `tokens` (`batch` rows, row-major) and `referenceMel` `[B, mel, R]` → mel `[B, T·repeat, mel]`.
    public func callAsFunction(tokens: [Int], batch: Int, referenceMel: Tensor) -> Tensor {
        let length = tokens.count / batch
        nnCheck(length * batch == tokens.count && referenceMel.rank == 3 && referenceMel.shape[0] == batch
                     && referenceMel.shape[1] == config.melBins,
                     "RefSmall: \(tokens.count) tokens in \(batch) rows and reference mel \(referenceMel.shape) ([\(batch), \(config.melBins), R])")
        var x = embedding(tokens, shape: [batch, length]) + positionTable(length)
        for layer in encoder { x = layer(x) }
        var a = referenceMel
        for conv in referenceEncoder { a = conv(a).relu() }
        a = a.transposed(1, 2)                                                   // [B, R, d]
        x = x + fusionAttention(fusionNorm(x), key: a, value: a)
        x = x.repeatInterleave(Array(repeating: config.repeatCount, count: length), axis: 1)
        var y = x.transposed(1, 2)                                               // [B, d, F]
        for conv in decoder { y = conv(y).relu() }
        return out(y.transposed(1, 2))                                           // [B, F, mel]
    }

    private func positionTable(_ length: Int) -> Tensor {
        if let table = positions[length] { return table }
        let table = sinusoidalPositions(length: length, dimensions: config.dimensions)
        positions[length] = table
        return table
    }
}
