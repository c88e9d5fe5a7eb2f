import Tensor

/// Scales all gradients together so that their global L2 norm is at most `maxNorm`
/// (PyTorch's `clip_grad_norm_`):
///
/// ```
/// n = √(Σ_params Σ g²)        if n > maxNorm:  g ← g · maxNorm / (n + 1e-6)
/// ```
/// Returns the norm before clipping. Throws ``TensorError/nonFinite(what:shape:index:value:)``
/// if a gradient holds NaN or Inf (clipping would spread it to every parameter).
@discardableResult
public func clipGradNorm(_ parameters: [Tensor], maxNorm: Float) throws -> Float {
    var total: Double = 0
    for p in parameters {
        guard let g = p.grad else { continue }
        try g.checkFinite("gradient")
        total += g.withUnsafeBufferPointer { g in
            var acc = SIMD8<Float>(), i = 0
            while i + 8 <= g.count {
                let x = SIMD8<Float>(g[i..<(i + 8)])
                acc += x * x
                i += 8
            }
            var s = Double(acc.sum())
            while i < g.count { s += Double(g[i] * g[i]); i += 1 }
            return s
        }
    }
    let norm = Float(total.squareRoot())
    let scale = maxNorm / (norm + 1e-6)
    if scale < 1 {
        for p in parameters {
            p.grad?.withUnsafeMutableBufferPointer { g in
                for i in 0..<g.count { g[i] *= scale }
            }
        }
    }
    return norm
}
