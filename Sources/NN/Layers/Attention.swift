import Tensor

/// Multi-head scaled dot-product attention (Vaswani et al. 2017) with PyTorch's
/// `MultiheadAttention` parameter layout (batch first, key and value of the model width):
///
/// ```
/// [q; k; v] = [query·W_qᵀ + b_q; key·W_kᵀ + b_k; value·W_vᵀ + b_v]   W = in_proj_weight [3d, d]
/// per head h (d/H wide):  A_h = softmax(q_h k_hᵀ / √(d/H) + mask) v_h
/// y = concat_h(A_h) · W_oᵀ + b_o                                         out_proj [d, d]
/// ```
/// `keyPaddingMask` `[batch, keys]` is nonzero at padding keys, which get no attention
/// (score −∞). Initialisation as PyTorch: in_proj_weight Xavier-uniform, biases 0,
/// out_proj.weight U(−1/√d, 1/√d).
///
/// Self-attention (the same tensor as query, key and value) runs one fused projection.
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
        let scores = matmul(splitHeads(q) * (1 / Float(d / heads).squareRoot()), splitHeads(k),
                            transposeB: true)                                    // [B, H, Lq, Lk]
        var masked = scores
        if let keyPaddingMask {
            let (batch, keys) = (key.shape[0], key.shape[1])
            nnCheck(keyPaddingMask.shape == [batch, keys],
                         "MultiHeadAttention: keyPaddingMask \(keyPaddingMask.shape) should be [\(batch), \(keys)]")
            masked = scores.maskedFill(keyPaddingMask.reshaped([batch, 1, 1, keys]), -.infinity)
        }
        let attended = matmul(masked.softmax(axis: -1), splitHeads(v))          // [B, H, Lq, d/H]
        return outProj(attended.permuted([0, 2, 1, 3]).reshaped([query.shape[0], query.shape[1], d]))
    }

    /// `[B, L, d]` → `[B, H, L, d/H]`.
    private func splitHeads(_ x: Tensor) -> Tensor {
        x.reshaped([x.shape[0], x.shape[1], heads, dimensions / heads]).permuted([0, 2, 1, 3])
    }
}
