import Tensor

/// One Transformer encoder layer with PyTorch's `TransformerEncoderLayer` layout (batch
/// first): self-attention and a two-layer feed-forward network, each with a residual
/// connection and layer normalisation, either after (post-norm, the original) or before
/// (pre-norm, more stable for deep stacks) each block:
///
/// ```
/// post-norm:  x = norm1(x + SA(x));          x = norm2(x + FF(x))
/// pre-norm:   x = x + SA(norm1(x));          x = x + FF(norm2(x))
/// FF(x) = linear2(dropout(act(linear1(x))))
/// ```
/// Dropout follows SA and FF as in PyTorch (p = 0 disables it) and draws from `source`, the
/// module tree's ``DropoutSource``; without one the layer makes its own, seeded by `generator`
/// (which gives one draw either way, so the weights do not depend on the choice).
public final class TransformerEncoderLayer: Module {
    @Key("self_attn") public var selfAttention: MultiHeadAttention
    public let linear1: Linear, linear2: Linear
    public let norm1: LayerNorm, norm2: LayerNorm
    public let dropout: Dropout, dropout1: Dropout, dropout2: Dropout
    public let activation: Activation
    public let normFirst: Bool

    public init(dimensions: Int, heads: Int, feedForward: Int, dropout: Float = 0.1,
                activation: Activation = .relu, normFirst: Bool = false, epsilon: Float = 1e-5,
                source: DropoutSource? = nil, generator: inout SplitMix64) {
        _selfAttention.wrappedValue = MultiHeadAttention(dimensions: dimensions, heads: heads, generator: &generator)
        linear1 = Linear(dimensions, feedForward, generator: &generator)
        linear2 = Linear(feedForward, dimensions, generator: &generator)
        norm1 = LayerNorm(dimensions, epsilon: epsilon)
        norm2 = LayerNorm(dimensions, epsilon: epsilon)
        let ownSeed = generator.next()
        let source = source ?? DropoutSource(seed: ownSeed)
        self.dropout = Dropout(dropout, source: source)
        dropout1 = Dropout(dropout, source: source)
        dropout2 = Dropout(dropout, source: source)
        self.activation = activation
        self.normFirst = normFirst
    }

    /// `x` `[B, L, d]` → `[B, L, d]`; `keyPaddingMask` `[B, L]` nonzero at padding.
    public func callAsFunction(_ x: Tensor, keyPaddingMask: Tensor? = nil) -> Tensor {
        func attend(_ y: Tensor) -> Tensor {
            dropout1(selfAttention(y, key: y, value: y, keyPaddingMask: keyPaddingMask))
        }
        func feedForward(_ y: Tensor) -> Tensor {
            dropout2(linear2(dropout(activation(linear1(y)))))
        }
        if normFirst {
            let h = x + attend(norm1(x))
            return h + feedForward(norm2(h))
        }
        let h = norm1(x + attend(x))
        return norm2(h + feedForward(h))
    }
}
