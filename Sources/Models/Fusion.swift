import NN
import Tensor

/// How the text features take in the reference voice (`model.fusion.kind`). Text `x`
/// `[B, T, d]` (padding `[B, T]`), audio frames `a` `[B, R, d]` (padding `[B, R]`), global
/// audio embedding `g` `[B, d]`; each kind is one small module:
///
/// ```
/// attention_pool:  e_r = vᵀ tanh(W_a a_r + W_t x̄),  α = softmax_r(e) (padding −∞),
///                  y = x + W_o Σ_r α_r a_r                         x̄: masked mean of x
/// cross_attention: y = x + MHA(LN(x), a, a; key padding)           text queries, audio keys
/// concat:          y = W [x ; g]                                    g repeated over T
/// film:            [γ; β] = W g,  y = x ⊙ (1 + γ) + β
/// ```
/// `attention_pool` (the seed's) picks the frames that characterise the voice, given what
/// is said; `cross_attention` lets each phoneme pick its own frames; `concat` and `film`
/// see only the pooled voice. The first two have an attention map (see ``attentionMap``).
/// Parameter names are the properties' keys under `fusion.` (`fusion.attention.in_proj_weight`).
public protocol Fusion: Module {
    /// Text `[B, T, d]` fused with the voice → `[B, T, d]`.
    func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                        audioPadding: Tensor) -> Tensor

    /// Attention over the reference frames, `[B, T, R]` (rows sum to 1), for reports; `nil`
    /// for kinds that attend to nothing.
    func attentionMap(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor?
}

extension Fusion {
    public func attentionMap(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor? { nil }
}

/// The fusion module `config.fusion.kind` names, initialised from `generator`.
func makeFusion(_ config: ModelConfig, generator: inout SplitMix64) -> any Fusion {
    let d = config.dim
    return switch config.fusion.kind {
    case .attentionPool: AttentionPoolFusion(dim: d, generator: &generator)
    case .crossAttention: CrossAttentionFusion(dim: d, heads: config.fusion.heads, generator: &generator)
    case .concat: ConcatFusion(dim: d, generator: &generator)
    case .film: FiLMFusion(dim: d, generator: &generator)
    }
}

/// `attention_pool`: the reference frames pooled with additive attention queried by the
/// text's mean, added to every position.
public final class AttentionPoolFusion: Module, Fusion {
    @Key("text_proj") public var textProjection: Linear
    @Key("audio_proj") public var audioProjection: Linear
    public let score: Linear
    @Key("out_proj") public var outProjection: Linear

    init(dim d: Int, generator: inout SplitMix64) {
        _textProjection.wrappedValue = Linear(d, d, bias: false, generator: &generator)
        _audioProjection.wrappedValue = Linear(d, d, generator: &generator)
        score = Linear(d, 1, bias: false, generator: &generator)
        _outProjection.wrappedValue = Linear(d, d, generator: &generator)
    }

    public func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                               audioPadding: Tensor) -> Tensor {
        let weights = poolWeights(text: x, textMask: textMask, audio: audio.sequence, audioPadding: audioPadding)
        return x + outProjection(matmul(weights.unsqueezed(1), audio.sequence))      // pooled [B, 1, d]
    }

    /// α repeated over `T`.
    public func attentionMap(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor? {
        noGrad {
            poolWeights(text: x, textMask: textMask, audio: audio, audioPadding: audioPadding)
                .unsqueezed(1).expand(to: [x.shape[0], x.shape[1], audio.shape[1]])
        }
    }

    /// α `[B, R]`: softmax over the reference frames.
    private func poolWeights(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor {
        let query = textProjection(x.maskedMean(textMask)).unsqueezed(1)              // [B, 1, d]
        let energies = score((audioProjection(audio) + query).tanh()).squeezed(2)     // [B, R]
        return energies.maskedFill(audioPadding, -.infinity).softmax(axis: -1)
    }
}

/// `cross_attention`: each text position attends to the reference frames (pre-norm,
/// residual).
public final class CrossAttentionFusion: Module, Fusion {
    public let norm: LayerNorm
    public let attention: MultiHeadAttention

    init(dim d: Int, heads: Int, generator: inout SplitMix64) {
        norm = LayerNorm(d)
        attention = MultiHeadAttention(dimensions: d, heads: heads, generator: &generator)
    }

    public func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                               audioPadding: Tensor) -> Tensor {
        x + attention(norm(x), key: audio.sequence, value: audio.sequence, keyPaddingMask: audioPadding)
    }

    /// The attention probabilities averaged over heads.
    public func attentionMap(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor? {
        noGrad { attention.attend(norm(x), key: audio, value: audio, keyPaddingMask: audioPadding).weights.mean(axes: [1]) }
    }
}

/// `concat`: the global voice embedding appended to every text position, projected back.
public final class ConcatFusion: Module, Fusion {
    public let proj: Linear

    init(dim d: Int, generator: inout SplitMix64) { proj = Linear(2 * d, d, generator: &generator) }

    public func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                               audioPadding: Tensor) -> Tensor {
        proj(Tensor.concat([x, audio.global.unsqueezed(1).expand(to: x.shape)], axis: 2))
    }
}

/// `film`: a scale and shift of the text features computed from the global voice embedding.
public final class FiLMFusion: Module, Fusion {
    public let proj: Linear

    init(dim d: Int, generator: inout SplitMix64) { proj = Linear(d, 2 * d, generator: &generator) }

    public func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                               audioPadding: Tensor) -> Tensor {
        let d = x.shape[2]
        let parts = proj(audio.global).unsqueezed(1).split(axis: 2, sizes: [d, d])   // γ, β [B, 1, d]
        return x * (parts[0] + 1) + parts[1]
    }
}
