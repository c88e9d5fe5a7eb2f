import Tensor

/// Multi-head scaled dot-product attention over projected queries, keys and values: the one
/// attention of FunAudio, under ``MultiHeadAttention``, BERT's self-attention and the fusions.
///
/// ```
/// per head h (d/H wide):  W_h = softmax(q_h k_hᵀ / √(d/H) + mask)       [B, H, Lq, Lk]
///                         A_h = dropout(W_h) v_h
/// output = concat_h(A_h)                                                 [B, Lq, d]
/// ```
/// `query` is `[B, Lq, d]`, `key` and `value` `[B, Lk, d]`. `keyPaddingMask` `[B, Lk]` is
/// nonzero at padding keys, which get no attention (score −∞). `dropout` (on the attention
/// probabilities, as BERT's) acts in training mode only. Returns the heads' output and the
/// attention probabilities `weights` (before dropout; each row sums to 1).
public func scaledDotProductAttention(query q: Tensor, key k: Tensor, value v: Tensor, heads: Int,
                                      keyPaddingMask: Tensor? = nil, dropout: Dropout? = nil)
    -> (output: Tensor, weights: Tensor) {
    let (batch, queries, d) = (q.shape[0], q.shape[1], q.shape[2]), keys = k.shape[1]
    let headWidth = d / heads
    func splitHeads(_ x: Tensor) -> Tensor {                                    // [B, L, d] → [B, H, L, d/H]
        x.reshaped([batch, x.shape[1], heads, headWidth]).permuted([0, 2, 1, 3])
    }
    var scores = matmul(splitHeads(q) * (1 / Float(headWidth).squareRoot()), splitHeads(k),
                        transposeB: true)                                       // [B, H, Lq, Lk]
    if let keyPaddingMask {
        nnCheck(keyPaddingMask.shape == [batch, keys],
                "attention: keyPaddingMask \(keyPaddingMask.shape) should be [\(batch), \(keys)]")
        scores = scores.maskedFill(keyPaddingMask.reshaped([batch, 1, 1, keys]), -.infinity)
    }
    let weights = scores.softmax(axis: -1)
    let attended = matmul(dropout.map { $0(weights) } ?? weights, splitHeads(v))  // [B, H, Lq, d/H]
    return (attended.permuted([0, 2, 1, 3]).reshaped([batch, queries, d]), weights)
}

/// Multi-head attention with PyTorch's `MultiheadAttention` parameter layout (batch first,
/// key and value of the model width):
///
/// ```
/// [q; k; v] = [query·W_qᵀ + b_q; key·W_kᵀ + b_k; value·W_vᵀ + b_v]   W = in_proj_weight [3d, d]
/// y = scaledDotProductAttention(q, k, v) · W_oᵀ + b_o                  out_proj [d, d]
/// ```
/// Initialisation as PyTorch: in_proj_weight Xavier-uniform, biases 0, out_proj.weight
/// U(−1/√d, 1/√d). Self-attention (the same tensor as query, key and value) runs one fused
/// projection.
///
/// See Also: ``scaledDotProductAttention(query:key:value:heads:keyPaddingMask:dropout:)``.
public final class MultiHeadAttention: Module {
    @Key("in_proj_weight") public var inProjWeight: Tensor
    @Key("in_proj_bias") public var inProjBias: Tensor
    @Key("out_proj") public var outProj: Linear
    public let dimensions: Int, heads: Int

    public init(dimensions: Int, heads: Int, generator: inout SplitMix64) {
        nnCheck(dimensions % heads == 0, "MultiHeadAttention: \(dimensions) dimensions do not split into \(heads) heads")
        self.dimensions = dimensions
        self.heads = heads
        let bound = (6 / Float(dimensions + 3 * dimensions)).squareRoot()
        _inProjWeight.wrappedValue = .uniform([3 * dimensions, dimensions], low: -bound, high: bound,
                                              generator: &generator, requiresGrad: true)
        _inProjBias.wrappedValue = .zeros([3 * dimensions], requiresGrad: true)
        let out = Linear(dimensions, dimensions, generator: &generator)
        out.bias!.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        _outProj.wrappedValue = out
    }

    /// Attention of `query` `[B, Lq, d]` over `key`/`value` `[B, Lk, d]` → `[B, Lq, d]`.
    public func callAsFunction(_ query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil) -> Tensor {
        attend(query, key: key, value: value, keyPaddingMask: keyPaddingMask).output
    }

    /// The output `[B, Lq, d]` and each head's attention probabilities `[B, H, Lq, Lk]`.
    public func attend(_ query: Tensor, key: Tensor, value: Tensor, keyPaddingMask: Tensor? = nil)
        -> (output: Tensor, weights: Tensor) {
        let d = dimensions
        nnCheck(query.rank == 3 && query.shape[2] == d && key.shape == value.shape && key.rank == 3
                     && key.shape[0] == query.shape[0] && key.shape[2] == d,
                     "MultiHeadAttention(d \(d)): query \(query.shape), key \(key.shape), value \(value.shape) must be [B, L, \(d)]")
        let (q, k, v): (Tensor, Tensor, Tensor)
        if query === key && key === value {
            let parts = linear(query, weight: inProjWeight, bias: inProjBias).split(axis: 2, sizes: [d, d, d])
            (q, k, v) = (parts[0], parts[1], parts[2])
        } else {
            let w = inProjWeight.split(axis: 0, sizes: [d, d, d]), b = inProjBias.split(axis: 0, sizes: [d, d, d])
            q = linear(query, weight: w[0], bias: b[0])
            if key === value {
                let kv = linear(key, weight: Tensor.concat([w[1], w[2]], axis: 0),
                                bias: Tensor.concat([b[1], b[2]], axis: 0)).split(axis: 2, sizes: [d, d])
                (k, v) = (kv[0], kv[1])
            } else {
                (k, v) = (linear(key, weight: w[1], bias: b[1]), linear(value, weight: w[2], bias: b[2]))
            }
        }
        let (attended, weights) = scaledDotProductAttention(query: q, key: k, value: v, heads: heads,
                                                            keyPaddingMask: keyPaddingMask)
        return (outProj(attended), weights)
    }
}
