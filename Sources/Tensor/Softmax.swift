import Foundation

/// Softmax and log-softmax over one axis, each a fused row kernel (max, exp, sum, scale in
/// two passes over a row that stays in cache).
/// ```
/// softmax:     yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m),  m = maxⱼ xⱼ
///              ∂xᵢ = yᵢ (gᵢ − Σⱼ gⱼ yⱼ)
/// logSoftmax:  yᵢ = xᵢ − m − ln Σⱼ e^(xⱼ − m)
///              ∂xᵢ = gᵢ − e^(yᵢ) Σⱼ gⱼ
/// ```
/// Other axes than the last are moved to the end and back (two strided copies).
extension Tensor {
    public func softmax(axis: Int = -1) -> Tensor {
        let a = normalizedAxis(axis, op: "softmax")
        if a != rank - 1 { return transposed(a, rank - 1).softmax(axis: -1).transposed(a, rank - 1) }
        let out = RowKernels.softmax(self, log: false)
        return Tensor.record(out, op: "softmax", inputs: [self]) { y, g in
            [RowKernels.softmaxBackward(y: y, g: g, log: false)]
        }
    }

    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = normalizedAxis(axis, op: "logSoftmax")
        if a != rank - 1 { return transposed(a, rank - 1).logSoftmax(axis: -1).transposed(a, rank - 1) }
        let out = RowKernels.softmax(self, log: true)
        return Tensor.record(out, op: "logSoftmax", inputs: [self]) { y, g in
            [RowKernels.softmaxBackward(y: y, g: g, log: true)]
        }
    }
}

/// Kernels over the rows of the last axis.
enum RowKernels {
    static func softmax(_ x: Tensor, log: Bool) -> Tensor {
        let n = x.shape.last ?? 1
        let rows = x.count / Swift.max(n, 1)
        let out = Tensor(uninitialized: x.shape)
        let src = x.data, dst = out.data
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 13) / Swift.max(n, 1))) { r in
            for row in r {
                let xi = src + row * n, yi = dst + row * n
                let m = Reduce.maxContiguous(xi, n)
                // Separate loops: the exp loop vectorises, the sum uses SIMD lanes.
                for j in 0..<n { yi[j] = Kernels.exp(xi[j] - m) }
                let sum = Reduce.sumContiguous(yi, n)
                if log {
                    let shift = m + Foundation.log(sum)
                    for j in 0..<n { yi[j] = xi[j] - shift }
                } else {
                    let inv = 1 / sum
                    for j in 0..<n { yi[j] *= inv }
                }
            }
        }
        return out
    }

    static func softmaxBackward(y: Tensor, g: Tensor, log: Bool) -> Tensor {
        let n = y.shape.last ?? 1
        let rows = y.count / Swift.max(n, 1)
        let dx = Tensor(uninitialized: y.shape)
        let py = y.data, pg = g.data, pd = dx.data
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 13) / Swift.max(n, 1))) { r in
            for row in r {
                let yi = py + row * n, gi = pg + row * n, di = pd + row * n
                if log {
                    let dot = Reduce.sumContiguous(gi, n)
                    for j in 0..<n { di[j] = gi[j] - Kernels.exp(yi[j]) * dot }
                } else {
                    let dot = Reduce.dotContiguous(gi, yi, n)
                    for j in 0..<n { di[j] = yi[j] * (gi[j] - dot) }
                }
            }
        }
        return dx
    }
}
