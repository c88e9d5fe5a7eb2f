import NN
import Tensor

/// A BERT encoder (Devlin et al. 2019) with Hugging Face's `BertModel` parameter names
/// (`embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`, …),
/// so a `model.safetensors` loads with no table of names. Post-norm layers:
///
/// ```
/// h₀ = LayerNorm(word[id] + position[t] + tokenType[0])
/// a  = LayerNorm(h + dense(SelfAttention(h)))             attention.output
/// h' = LayerNorm(a + dense(act(dense(a))))                intermediate, output
/// ```
/// The result is the last layer's hidden states (`last_hidden_state`); the pooler (a
/// sentence-classification head) is not part of it. Dropout acts in training mode only and
/// draws from one `DropoutSource`: the fusion model's when BERT is fine-tuned inside it, so
/// its masks follow the model's seed and resume with its checkpoint.
///
/// See Also: ``PretrainedBERT`` (folder, tokenizer, word features), ``BERTConfig``.
public final class BERTModel: Module {
    public let config: BERTConfig
    public let embeddings: BERTEmbeddings
    public let encoder: BERTEncoder

    /// A randomly initialised encoder (NN's default initialisations); load weights with
    /// ``PretrainedBERT`` or ``Module/load(stateDict:)``. Dropout draws from `dropoutSource`,
    /// or from a source of its own seeded by `generator`.
    public init(config: BERTConfig, generator: inout SplitMix64, dropoutSource: DropoutSource? = nil) {
        self.config = config
        let source = dropoutSource ?? DropoutSource(seed: generator.next())
        embeddings = BERTEmbeddings(config, source: source, generator: &generator)
        encoder = BERTEncoder(config, source: source, generator: &generator)
    }

    /// Last hidden states `[B, L, hidden]` of token ids `ids` (row-major `[B, L]`).
    /// `paddingMask` `[B, L]` is nonzero at padding tokens, which no token attends to
    /// (Hugging Face's `attention_mask` is its complement). Ids are not checked here: use
    /// ``hiddenStates(_:)`` for unchecked input.
    public func callAsFunction(_ ids: [Int], shape: [Int], paddingMask: Tensor? = nil) -> Tensor {
        encoder(embeddings(ids, shape: shape), paddingMask: paddingMask)
    }

    /// Last hidden states `[L, hidden]` of one sequence of token ids (`[CLS] … [SEP]`).
    public func hiddenStates(_ ids: [Int]) throws -> Tensor {
        try checkInput(ids)
        return self(ids, shape: [1, ids.count]).reshaped([ids.count, config.hiddenSize])
    }

    /// Throws unless `ids` is one sequence this model can read: not empty, no longer than
    /// its position table, every id in its vocabulary.
    public func checkInput(_ ids: [Int]) throws {
        guard !ids.isEmpty else { throw BERTError.badInput(reason: "no tokens") }
        guard ids.count <= config.maxPositions else {
            throw BERTError.badInput(reason: "\(ids.count) tokens, but the model has \(config.maxPositions) positions; shorten the text")
        }
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw BERTError.badInput(reason: "token id \(bad) is outside the vocabulary (0..<\(config.vocabSize))")
        }
    }
}

/// Token, position and token-type embeddings, summed and normalised:
/// `LayerNorm(word[id] + position[t] + tokenType[0])` (one segment: type 0 throughout).
public final class BERTEmbeddings: Module {
    @Key("word_embeddings") public var word: Embedding
    @Key("position_embeddings") public var position: Embedding
    @Key("token_type_embeddings") public var tokenType: Embedding
    @Key("LayerNorm") public var norm: LayerNorm
    let dropout: Dropout

    init(_ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        let h = config.hiddenSize
        _word.wrappedValue = Embedding(config.vocabSize, h, generator: &generator)
        _position.wrappedValue = Embedding(config.maxPositions, h, generator: &generator)
        _tokenType.wrappedValue = Embedding(config.typeVocabSize, h, generator: &generator)
        _norm.wrappedValue = LayerNorm(h, epsilon: config.layerNormEpsilon)
        dropout = Dropout(config.hiddenDropout, source: source)
    }

    /// `ids` `[B, L]` → `[B, L, hidden]`.
    func callAsFunction(_ ids: [Int], shape: [Int]) -> Tensor {
        let length = shape[1]
        let positions = position.weight.indexSelect(axis: 0, Array(0..<length))   // [L, h]
        let segment = tokenType.weight.indexSelect(axis: 0, [0])                    // [1, h]
        return dropout(norm(word(ids, shape: shape) + positions + segment))
    }
}

/// The stack of layers (`encoder.layer.N`).
public final class BERTEncoder: Module {
    @Key("layer") public var layers: [BERTLayer]

    init(_ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        _layers.wrappedValue = (0..<config.layerCount).map { _ in BERTLayer(config, source: source, generator: &generator) }
    }

    func callAsFunction(_ x: Tensor, paddingMask: Tensor?) -> Tensor {
        layers.reduce(x) { h, layer in layer(h, paddingMask: paddingMask) }
    }
}

/// One post-norm Transformer layer: self-attention block, then feed-forward block.
public final class BERTLayer: Module {
    public let attention: BERTAttention
    public let intermediate: BERTIntermediate
    public let output: BERTResidualOutput

    init(_ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        attention = BERTAttention(config, source: source, generator: &generator)
        intermediate = BERTIntermediate(config, generator: &generator)
        output = BERTResidualOutput(from: config.intermediateSize, config, source: source, generator: &generator)
    }

    /// `[B, L, h]` → `[B, L, h]`.
    func callAsFunction(_ x: Tensor, paddingMask: Tensor?) -> Tensor {
        let a = attention(x, paddingMask: paddingMask)
        return output(intermediate(a), residual: a)
    }
}

/// Self-attention and its output projection with residual LayerNorm (`attention.self`,
/// `attention.output`).
public final class BERTAttention: Module {
    @Key("self") public var selfAttention: BERTSelfAttention
    public let output: BERTResidualOutput

    init(_ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        _selfAttention.wrappedValue = BERTSelfAttention(config, source: source, generator: &generator)
        output = BERTResidualOutput(from: config.hiddenSize, config, source: source, generator: &generator)
    }

    func callAsFunction(_ x: Tensor, paddingMask: Tensor?) -> Tensor {
        output(selfAttention(x, paddingMask: paddingMask), residual: x)
    }
}

/// Multi-head self-attention with separate query, key and value projections (Hugging Face's
/// layout; NN's ``MultiHeadAttention`` fuses them as PyTorch's `in_proj_weight`):
///
/// ```
/// q, k, v = x·W_qᵀ + b_q, x·W_kᵀ + b_k, x·W_vᵀ + b_v        each [h, h]
/// A = scaledDotProductAttention(q, k, v), dropout on the attention probabilities
/// ```
/// The output is the heads concatenated, `[B, L, h]` (projected by ``BERTAttention``).
public final class BERTSelfAttention: Module {
    public let query: Linear, key: Linear, value: Linear
    let heads: Int
    let dropout: Dropout

    init(_ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        let h = config.hiddenSize
        query = Linear(h, h, generator: &generator)
        key = Linear(h, h, generator: &generator)
        value = Linear(h, h, generator: &generator)
        heads = config.headCount
        dropout = Dropout(config.attentionDropout, source: source)
    }

    func callAsFunction(_ x: Tensor, paddingMask: Tensor?) -> Tensor {
        scaledDotProductAttention(query: query(x), key: key(x), value: value(x), heads: heads,
                                  keyPaddingMask: paddingMask, dropout: dropout).output
    }
}

/// The feed-forward expansion `act(x·Wᵀ + b)`, `[B, L, h]` → `[B, L, intermediate]`.
public final class BERTIntermediate: Module {
    public let dense: Linear
    let activation: Activation

    init(_ config: BERTConfig, generator: inout SplitMix64) {
        dense = Linear(config.hiddenSize, config.intermediateSize, generator: &generator)
        activation = config.activation
    }

    func callAsFunction(_ x: Tensor) -> Tensor { activation(dense(x)) }
}

/// A projection back to the model width added to the block's input and normalised:
/// `LayerNorm(residual + dropout(x·Wᵀ + b))` (both `attention.output` and `output`).
public final class BERTResidualOutput: Module {
    public let dense: Linear
    @Key("LayerNorm") public var norm: LayerNorm
    let dropout: Dropout

    init(from inputSize: Int, _ config: BERTConfig, source: DropoutSource, generator: inout SplitMix64) {
        dense = Linear(inputSize, config.hiddenSize, generator: &generator)
        _norm.wrappedValue = LayerNorm(config.hiddenSize, epsilon: config.layerNormEpsilon)
        dropout = Dropout(config.hiddenDropout, source: source)
    }

    func callAsFunction(_ x: Tensor, residual: Tensor) -> Tensor {
        norm(residual + dropout(dense(x)))
    }
}
