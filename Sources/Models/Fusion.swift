import NN
import Tensor

/// How the text features take in the reference voice (`model.fusion.kind`). Text `x`
/// `[B, T, d]` (padding `[B, T]`), audio frames `a` `[B, R, d]` (padding `[B, R]`), global
/// audio embedding `g` `[B, d]`:
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
public final class Fusion: Module {
    public let kind: FusionConfig.Kind
    // attention_pool
    @Key("text_proj") public var textProjection: Linear?
    @Key("audio_proj") public var audioProjection: Linear?
    public let score: Linear?
    @Key("out_proj") public var outProjection: Linear?
    // cross_attention
    public let norm: LayerNorm?
    public let attention: MultiHeadAttention?
    // concat, film
    public let proj: Linear?

    init(_ config: ModelConfig, generator: inout SplitMix64) {
        let d = config.dim
        kind = config.fusion.kind
        var (t, a, s, o, n, m, p): (Linear?, Linear?, Linear?, Linear?, LayerNorm?, MultiHeadAttention?, Linear?)
        switch kind {
        case .attentionPool:
            t = Linear(d, d, bias: false, generator: &generator)
            a = Linear(d, d, generator: &generator)
            s = Linear(d, 1, bias: false, generator: &generator)
            o = Linear(d, d, generator: &generator)
        case .crossAttention:
            n = LayerNorm(d)
            m = MultiHeadAttention(dimensions: d, heads: config.fusion.heads, generator: &generator)
        case .concat:
            p = Linear(2 * d, d, generator: &generator)
        case .film:
            p = Linear(d, 2 * d, generator: &generator)
        }
        _textProjection.wrappedValue = t
        _audioProjection.wrappedValue = a
        score = s
        _outProjection.wrappedValue = o
        norm = n
        attention = m
        proj = p
    }

    /// Text `[B, T, d]` fused with the voice → `[B, T, d]`.
    func callAsFunction(text x: Tensor, textMask: Tensor, audio: (sequence: Tensor, global: Tensor),
                        audioPadding: Tensor) -> Tensor {
        let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        switch kind {
        case .attentionPool:
            let weights = poolWeights(text: x, textMask: textMask, audio: audio.sequence, audioPadding: audioPadding)
            let pooled = matmul(weights.unsqueezed(1), audio.sequence)               // [B, 1, d]
            return x + outProjection!(pooled)
        case .crossAttention:
            let a = audio.sequence
            return x + attention!(norm!(x), key: a, value: a, keyPaddingMask: audioPadding)
        case .concat:
            let g = audio.global.unsqueezed(1).expand(to: [b, t, d])
            return proj!(Tensor.concat([x, g], axis: 2))
        case .film:
            let parts = proj!(audio.global).unsqueezed(1).split(axis: 2, sizes: [d, d])   // γ, β [B, 1, d]
            return x * (parts[0] + 1) + parts[1]
        }
    }

    /// α `[B, R]` of `attention_pool`: softmax over the reference frames.
    private func poolWeights(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor {
        let query = textProjection!(x.maskedMean(textMask)).unsqueezed(1)              // [B, 1, d]
        let energies = score!((audioProjection!(audio) + query).tanh()).squeezed(2)   // [B, R]
        return energies.maskedFill(audioPadding, -.infinity).softmax(axis: -1)
    }

    /// Attention over the reference frames, `[B, T, R]` (rows sum to 1), for reports: the
    /// head-averaged weights of `cross_attention`, `attention_pool`'s α repeated over `T`;
    /// `nil` for `concat` and `film`, which attend to nothing.
    func attentionMap(text x: Tensor, textMask: Tensor, audio: Tensor, audioPadding: Tensor) -> Tensor? {
        noGrad {
            let (b, t, r) = (x.shape[0], x.shape[1], audio.shape[1])
            switch kind {
            case .attentionPool:
                return poolWeights(text: x, textMask: textMask, audio: audio, audioPadding: audioPadding)
                    .unsqueezed(1).expand(to: [b, t, r])
            case .crossAttention:
                let mha = attention!, d = mha.dimensions, h = mha.heads
                let w = mha.inProjWeight.split(axis: 0, sizes: [d, d, d]), bias = mha.inProjBias.split(axis: 0, sizes: [d, d, d])
                func heads(_ y: Tensor) -> Tensor { y.reshaped([b, y.shape[1], h, d / h]).permuted([0, 2, 1, 3]) }
                let q = heads(linear(norm!(x), weight: w[0], bias: bias[0])) * (1 / Float(d / h).squareRoot())
                let k = heads(linear(audio, weight: w[1], bias: bias[1]))
                let scores = matmul(q, k, transposeB: true).maskedFill(audioPadding.reshaped([b, 1, 1, r]), -.infinity)
                return scores.softmax(axis: -1).mean(axes: [1])
            case .concat, .film:
                return nil
            }
        }
    }
}
