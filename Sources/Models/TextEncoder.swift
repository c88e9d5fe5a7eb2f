import NN
import Tensor

/// Phoneme (or character) encoder:
///
/// ```
/// h₀ = dropout(E[token] + PE + W_w·word)          E ~ N(0, 1), PE sinusoidal in [−1, 1]
/// hₗ = TransformerLayerₗ(hₗ₋₁, key padding)       pre-norm with dropout, l = 1…layers
/// out = norm(h_L)                                   [B, T, d]
/// ```
/// The word-feature projection `word_proj` exists when the configuration names a word
/// feature width: this is the seam for a pretrained BERT's per-word hidden states, each
/// repeated over its word's phonemes. Every dropout (the embedding's and the layers', PyTorch's
/// places) draws from the model's `DropoutSource`.
public final class TextEncoder: Module {
    public let embedding: Embedding
    @Key("word_proj") public var wordProjection: Linear?
    public let layers: [TransformerEncoderLayer]
    public let norm: LayerNorm
    let dim: Int
    let dropout: Dropout

    init(_ config: ModelConfig, source: DropoutSource, generator: inout SplitMix64) {
        dim = config.dim
        let p = Float(config.textEncoder.dropout)
        dropout = Dropout(p, source: source)
        embedding = Embedding(config.symbols.count, config.dim, generator: &generator)
        _wordProjection.wrappedValue = config.wordFeatureDim.map { Linear($0, config.dim, generator: &generator) }
        let c = config.textEncoder
        layers = (0..<c.layers).map { _ in
            TransformerEncoderLayer(dimensions: config.dim, heads: c.heads, feedForward: c.ffn, dropout: p,
                                    normFirst: true, source: source, generator: &generator)
        }
        norm = LayerNorm(config.dim)
    }

    /// Token ids `[B, T]` (row-major), padding `[B, T]` (1 at padding), word features
    /// `[B, T, word dim]` → `[B, T, d]`.
    func callAsFunction(_ tokens: [Int], batch: Int, padding: Tensor, wordFeatures: Tensor?) -> Tensor {
        let length = tokens.count / batch
        var h = embedding(tokens, shape: [batch, length]) + sinusoidalPositions(length: length, dimensions: dim)
        if let wordProjection {
            guard let wordFeatures else { preconditionFailure("TextEncoder: the model was built with word features; pass them") }
            h = h + wordProjection(wordFeatures)
        }
        return norm(layers.reduce(dropout(h)) { h, layer in layer(h, keyPaddingMask: padding) })
    }
}
