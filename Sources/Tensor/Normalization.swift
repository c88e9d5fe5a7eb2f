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
        let ones = weight == nil ? Tensor.ones([n]) : nil, zeros = bias == nil ? Tensor.zeros([n]) : nil
        let gamma = (weight ?? ones!).data, beta = (bias ?? zeros!).data
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 14) / n)) { range in
            for row in range {
                let xi = x + row * n, yi = y + row * n
                let mean = Reduce.sumContiguous(xi, n) / Float(n)
                for j in 0..<n { yi[j] = xi[j] - mean }
                let r = 1 / (Reduce.dotContiguous(yi, yi, n) / Float(n) + epsilon).squareRoot()
                st[2 * row] = mean
                st[2 * row + 1] = r
                for j in 0..<n { yi[j] = yi[j] * r * gamma[j] + beta[j] }
            }
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.record(out, op: "layerNorm", inputs: inputs) { _, g in
            LayerNormBackward.run(x: self, g: g, stats: stats, weight: weight, bias: bias)
        }
    }
}

enum LayerNormBackward {
    /// At most this many partial sums of ∂γ and ∂β (the cores FunAudio was first tuned on;
    /// changing it changes the last bits of every trained model).
    static let partialSums = 2

    static func run(x: Tensor, g: Tensor, stats: Tensor, weight: Tensor?, bias: Tensor?) -> [Tensor?] {
        let n = x.shape.last!, rows = x.count / n
        let dx = Tensor(uninitialized: x.shape)
        // Per chunk: partial sums of ∂γ and ∂β (added up after the loop) and two row buffers.
        // Their number depends on the shape only, so gradients do not change with the threads.
        let chunks = Swift.max(1, Swift.min(partialSums, rows * n / (1 << 14)))
        let scratch = Tensor.zeros([chunks, 4, n])
        let ones = weight == nil ? Tensor.ones([n]) : nil
        let px = x.data, pg = g.data, pd = dx.data, st = stats.data, ps = scratch.data
        let gamma = (weight ?? ones!).data
        Parallel.forRanges(chunks, minimumPerThread: 1) { chunkRange in
            for chunk in chunkRange {
                let dGamma = ps + chunk * 4 * n, dBeta = dGamma + n, gh = dBeta + n, xh = gh + n
                for row in (rows * chunk / chunks)..<(rows * (chunk + 1) / chunks) {
                    let xi = px + row * n, gi = pg + row * n, di = pd + row * n
                    let mean = st[2 * row], r = st[2 * row + 1]
                    for j in 0..<n {
                        xh[j] = (xi[j] - mean) * r
                        gh[j] = gi[j] * gamma[j]
                        dGamma[j] += gi[j] * xh[j]
                        dBeta[j] += gi[j]
                    }
                    let mg = Reduce.sumContiguous(gh, n) / Float(n)
                    let mgx = Reduce.dotContiguous(gh, xh, n) / Float(n)
                    for j in 0..<n { di[j] = r * (gh[j] - mg - xh[j] * mgx) }
                }
            }
        }
        let sums = scratch.slice(axis: 1, 0..<2).sum(axes: [0])  // [2, n]: ∂γ, ∂β
        let dw = (weight?.requiresGrad ?? false) ? sums.slice(axis: 0, 0..<1).reshaped([n]) : nil
        let db = (bias?.requiresGrad ?? false) ? sums.slice(axis: 0, 1..<2).reshaped([n]) : nil
        return [x.requiresGrad ? dx : nil] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
    }
}
