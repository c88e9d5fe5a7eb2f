import Foundation

/// A scalar function of one float, specialised into the elementwise loop.
protocol UnaryFunction { static func apply(_ x: Float) -> Float }

/// Elementwise loops over contiguous buffers; with `-Ounchecked` and branch-free scalar
/// functions the compiler vectorises them; large ones are split across cores.
enum Kernels {
    /// `out[i] = F(x[i])`.
    static func map<F: UnaryFunction>(_ f: F.Type, _ x: Tensor) -> Tensor {
        let out = Tensor(uninitialized: x.shape)
        let src = x.data, dst = out.data
        Parallel.forRanges(x.count, minimumPerThread: 1 << 14) { r in
            for i in r { dst[i] = F.apply(src[i]) }
        }
        return out
    }

    /// `eˣ` to ~2 ulp, branch-free so loops over it vectorise (Cephes `expf` polynomial).
    ///
    /// `eˣ = 2ⁿ · eʳ` with `n = round(x / ln 2)`, `r = x − n ln 2 ∈ [−ln2/2, ln2/2]`; `eʳ`
    /// from a degree-7 polynomial and `2ⁿ` built in the exponent bits. Inputs are clamped
    /// to [−87.3, 88.3], so the result never overflows (and underflows to ~1e-38, not 0).
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let x = Swift.min(Swift.max(x, -87.3), 88.3)
        let n = (x * 1.442_695_04 + 12_582_912) - 12_582_912  // round to nearest
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        return y * Float(bitPattern: UInt32(truncatingIfNeeded: Int32(n) &+ 127) << 23)
    }

    /// `tanh x = 1 − 2 / (e²ˣ + 1)` on ``exp(_:)`` (absolute error ~1e-7).
    @inline(__always)
    static func tanh(_ x: Float) -> Float { 1 - 2 / (exp(2 * x) + 1) }

    /// `σ(x) = 1 / (1 + e⁻ˣ)`.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}
