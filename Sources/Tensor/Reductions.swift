/// Reductions over axes: sum, mean, max.
///
/// ```
/// sum:   out = Σ_axes x            ∂x = g broadcast back over the axes
/// mean:  out = Σ_axes x / N        ∂x = g / N broadcast back
/// max:   out = max_axis x          ∂x = g at the first maximum, 0 elsewhere
/// ```
/// Axes may be negative (counted from the end). With `keepDims` the reduced axes stay as
/// size 1, which broadcasts against the input.
extension Tensor {
    /// `axis` made non-negative; stops with a message naming `op` if out of range.
    func normalizedAxis(_ axis: Int, op: String) -> Int {
        let a = axis < 0 ? axis + rank : axis
        tensorCheck(a >= 0 && a < rank, "\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// Sum over `axes` (an empty list returns the values unchanged; ``sum()`` sums all).
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Set(axes.map { normalizedAxis($0, op: "sum") }).sorted()
        var keptShape = shape
        for a in axes { keptShape[a] = 1 }
        var result = self.detached()
        // Reduce runs of adjacent axes at once, last run first so earlier indices stay valid.
        var runs: [ClosedRange<Int>] = []
        for a in axes {
            if let last = runs.last, last.upperBound == a - 1 {
                runs[runs.count - 1] = last.lowerBound...a
            } else { runs.append(a...a) }
        }
        for run in runs.reversed() { result = Reduce.sum(result, run) }
        let out = result.reshaped(keepDims ? keptShape : keptShape.enumerated()
            .filter { !axes.contains($0.offset) }.map(\.element)).detached()
        let source = shape
        return Tensor.record(out, op: "sum", inputs: [self]) { _, g in
            [g.reshaped(keptShape).expand(to: source)]
        }
    }

    /// Sum of all elements, as a scalar.
    public func sum() -> Tensor { sum(axes: Array(0..<rank)) }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { normalizedAxis($0, op: "mean") }).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Mean of all elements, as a scalar.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Maximum over several axes (one axis at a time, last first; the gradient follows the
    /// same path, so it reaches one maximal element).
    public func max(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = Set(axes.map { normalizedAxis($0, op: "max") }).sorted(by: >)
        return axes.reduce(self) { $0.max(axis: $1, keepDims: keepDims) }
    }

    /// Maximum along `axis`; the gradient goes to the first maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let a = normalizedAxis(axis, op: "max")
        tensorCheck(shape[a] > 0, "max: axis \(axis) of shape \(shape) is empty")
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        var keptShape = shape
        keptShape[a] = 1
        let out = Tensor(uninitialized: keepDims ? keptShape : keptShape.enumerated()
            .filter { $0.offset != a }.map(\.element))
        var argmax = [Int32](repeating: 0, count: outer * inner)
        let x = data, o = out.data
        argmax.withUnsafeMutableBufferPointer { am in
            for p in 0..<outer {
                for i in 0..<inner {
                    let base = x + p * n * inner + i
                    var best = base[0], arg = 0
                    for j in 1..<Swift.max(n, 1) where base[j * inner] > best {
                        best = base[j * inner]
                        arg = j
                    }
                    o[p * inner + i] = best
                    am[p * inner + i] = Int32(arg)
                }
            }
        }
        let source = shape
        return Tensor.record(out, op: "max", inputs: [self]) { _, g in
            let dx = Tensor.zeros(source)
            for p in 0..<outer {
                for i in 0..<inner {
                    let j = Int(argmax[p * inner + i])
                    dx.data[(p * n + j) * inner + i] = g.data[p * inner + i]
                }
            }
            return [dx]
        }
    }
}

/// Summation kernels over one run of adjacent axes, viewed as `[outer, n, inner]`.
enum Reduce {
    static func sum(_ x: Tensor, _ axes: ClosedRange<Int>) -> Tensor {
        let outer = x.shape[..<axes.lowerBound].reduce(1, *)
        let n = x.shape[axes].reduce(1, *)
        let inner = x.shape[(axes.upperBound + 1)...].reduce(1, *)
        var outShape = x.shape
        outShape.replaceSubrange(axes, with: [1])
        let out = Tensor(uninitialized: outShape)
        let src = x.data, dst = out.data
        if inner == 1 {
            Parallel.forRanges(outer, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(n, 1))) { r in
                for p in r { dst[p] = sumContiguous(src + p * n, n) }
            }
        } else {
            Parallel.forRanges(outer, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(n * inner, 1))) { r in
                for p in r {
                    let o = dst + p * inner
                    let base = src + p * n * inner
                    o.update(from: base, count: inner)
                    for j in 1..<Swift.max(n, 1) {
                        let row = base + j * inner
                        for i in 0..<inner { o[i] += row[i] }
                    }
                    if n == 0 { o.update(repeating: 0, count: inner) }
                }
            }
        }
        return out
    }

    /// Σ p[0..<n] with 16 SIMD lanes (vectorised and more accurate than one running sum).
    @inline(__always)
    static func sumContiguous(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        laneSum(n, lanes: { lanes(p, $0) }, scalar: { p[$0] })
    }

    /// max p[0..<n] (−∞ for n = 0), eight independent running maxima (the stdlib's
    /// `pointwiseMax` on SIMD types is not lowered to vector instructions).
    @inline(__always)
    static func maxContiguous(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var m = (-Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity,
                 -Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity)
        var i = 0
        while i + 8 <= n {
            m.0 = p[i] > m.0 ? p[i] : m.0
            m.1 = p[i + 1] > m.1 ? p[i + 1] : m.1
            m.2 = p[i + 2] > m.2 ? p[i + 2] : m.2
            m.3 = p[i + 3] > m.3 ? p[i + 3] : m.3
            m.4 = p[i + 4] > m.4 ? p[i + 4] : m.4
            m.5 = p[i + 5] > m.5 ? p[i + 5] : m.5
            m.6 = p[i + 6] > m.6 ? p[i + 6] : m.6
            m.7 = p[i + 7] > m.7 ? p[i + 7] : m.7
            i += 8
        }
        var r = Swift.max(Swift.max(Swift.max(m.0, m.1), Swift.max(m.2, m.3)),
                          Swift.max(Swift.max(m.4, m.5), Swift.max(m.6, m.7)))
        while i < n { r = p[i] > r ? p[i] : r; i += 1 }
        return r
    }

    /// Σ p[i]·q[i] with 16 SIMD lanes.
    @inline(__always)
    static func dotContiguous(_ p: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ n: Int) -> Float {
        laneSum(n, lanes: { lanes(p, $0) * lanes(q, $0) }, scalar: { p[$0] * q[$0] })
    }

    /// Σ f(i) for i in 0..<n: 16 terms at a time from `lanes(i)` (terms i..<i+16) into 16
    /// running sums, the tail from `scalar(i)`.
    @inline(__always)
    private static func laneSum(_ n: Int, lanes: (Int) -> SIMD16<Float>, scalar: (Int) -> Float) -> Float {
        var acc = SIMD16<Float>()
        var i = 0
        while i + 16 <= n {
            acc += lanes(i)
            i += 16
        }
        var s = acc.sum()
        while i < n { s += scalar(i); i += 1 }
        return s
    }

    /// p[i..<i+16].
    @inline(__always)
    private static func lanes(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
        UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
    }
}
