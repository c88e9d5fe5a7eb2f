import Foundation

/// Layer normalisation over the last axis, one fused kernel forward and one backward.
///
/// For each row `x` of length `n` (statistics in Float, two passes):
/// ```
/// μ = Σx/n    σ² = Σ(x − μ)²/n    r = 1/√(σ² + ε)    x̂ = (x − μ)·r
/// y = x̂·γ + β
/// ∂x = r · (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  ĝ = g·γ
/// ∂γ = Σ_rows g·x̂     ∂β = Σ_rows g
/// ```
/// Only `μ` and `r` per row are saved for backward.
extension Tensor {
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5) -> Tensor {
        let n = shape.last ?? 0
        tensorCheck(rank >= 1 && n > 0, "layerNorm: input \(shape) has no last axis to normalise")
        if let weight { tensorCheck(weight.shape == [n], "layerNorm: weight \(weight.shape) should be [\(n)] for input \(shape)") }
        if let bias { tensorCheck(bias.shape == [n], "layerNorm: bias \(bias.shape) should be [\(n)] for input \(shape)") }
        let rows = count / n
        let out = Tensor(uninitialized: shape)
        let stats = Tensor(uninitialized: [rows, 2])  // μ, r
        let x = data, y = out.data, st = stats.data
        let gamma = weight?.data, beta = bias?.data
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 14) / n)) { range in
            for row in range {
                let xi = x + row * n, yi = y + row * n
                let mean = Reduce.sumContiguous(xi, n) / Float(n)
                var v: Float = 0
                for j in 0..<n { let d = xi[j] - mean; v += d * d }
                let r = 1 / (v / Float(n) + epsilon).squareRoot()
                st[2 * row] = mean
                st[2 * row + 1] = r
                if let gamma, let beta {
                    for j in 0..<n { yi[j] = (xi[j] - mean) * r * gamma[j] + beta[j] }
                } else {
                    for j in 0..<n { yi[j] = (xi[j] - mean) * r * (gamma?[j] ?? 1) + (beta?[j] ?? 0) }
                }
            }
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.record(out, op: "layerNorm", inputs: inputs) { _, g in
            LayerNormBackward.run(x: self, g: g, stats: stats, weight: weight, bias: bias)
        }
    }
}

enum LayerNormBackward {
    static func run(x: Tensor, g: Tensor, stats: Tensor, weight: Tensor?, bias: Tensor?) -> [Tensor?] {
        let n = x.shape.last!, rows = x.count / n
        let dx = Tensor(uninitialized: x.shape)
        let chunks = Swift.max(1, Swift.min(Parallel.threadCount, rows * n / (1 << 14)))
        // Per-chunk partial sums of ∂γ, ∂β, added up after the parallel loop.
        let partial = Tensor.zeros([chunks, 2, n])
        let px = x.data, pg = g.data, pd = dx.data, st = stats.data, pp = partial.data
        let gamma = weight?.data
        Parallel.forRanges(chunks, minimumPerThread: 1) { chunkRange in
            for chunk in chunkRange {
                let dGamma = pp + chunk * 2 * n, dBeta = dGamma + n
                for row in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                    let xi = px + row * n, gi = pg + row * n, di = pd + row * n
                    let mean = st[2 * row], r = st[2 * row + 1]
                    var sumG: Float = 0, sumGX: Float = 0
                    for j in 0..<n {
                        let xh = (xi[j] - mean) * r
                        let gh = gi[j] * (gamma?[j] ?? 1)
                        sumG += gh
                        sumGX += gh * xh
                        dGamma[j] += gi[j] * xh
                        dBeta[j] += gi[j]
                    }
                    let mg = sumG / Float(n), mgx = sumGX / Float(n)
                    for j in 0..<n {
                        let xh = (xi[j] - mean) * r
                        di[j] = r * (gi[j] * (gamma?[j] ?? 1) - mg - xh * mgx)
                    }
                }
            }
        }
        let sums = partial.sum(axes: [0])  // [2, n]
        let dw = (weight?.requiresGrad ?? false) ? sums.slice(axis: 0, 0..<1).reshaped([n]) : nil
        let db = (bias?.requiresGrad ?? false) ? sums.slice(axis: 0, 1..<2).reshaped([n]) : nil
        return [x.requiresGrad ? dx : nil] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
    }
}
