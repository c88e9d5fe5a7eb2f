/// Binary elementwise arithmetic with broadcasting, and scalar variants.
///
/// Gradients (then summed back to each input's shape, see ``Tensor/sumTo(_:)``):
/// ```
/// a + b:  ∂a = g            ∂b = g
/// a − b:  ∂a = g            ∂b = −g
/// a · b:  ∂a = g·b          ∂b = g·a
/// a / b:  ∂a = g/b          ∂b = −g·a/b² = −g·out/b
/// ```

/// A scalar function of two floats, specialised into the broadcast loop.
protocol BinaryFunction { static func apply(_ a: Float, _ b: Float) -> Float }
enum Add: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum Sub: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum Mul: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum Div: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }

/// The broadcasting loop: collapses axes, then runs contiguous or scalar-broadcast rows,
/// split across cores when large.
enum BinaryKernel {
    static func run<F: BinaryFunction>(_ f: F.Type, _ a: Tensor, _ b: Tensor, into out: Tensor) {
        let pa = a.data, pb = b.data, po = out.data
        let n = out.count
        if a.count == n && b.count == n {
            Parallel.forRanges(n) { r in
                for i in r { po[i] = F.apply(pa[i], pb[i]) }
            }
            return
        }
        if b.count == 1 && a.count == n {
            let s = pb[0]
            Parallel.forRanges(n) { r in for i in r { po[i] = F.apply(pa[i], s) } }
            return
        }
        if a.count == 1 && b.count == n {
            let s = pa[0]
            Parallel.forRanges(n) { r in for i in r { po[i] = F.apply(s, pb[i]) } }
            return
        }
        let (shape, strides) = Broadcast.collapse(
            out.shape, [Broadcast.strides(a.shape, as: out.shape), Broadcast.strides(b.shape, as: out.shape)])
        let inner = shape.last!, sa = strides[0].last!, sb = strides[1].last!
        let rows = n / Swift.max(inner, 1)
        let outer = Array(shape.dropLast()), oa = Array(strides[0].dropLast()), ob = Array(strides[1].dropLast())
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(inner, 1))) { r in
            for row in r {
                var rest = row, offA = 0, offB = 0
                for axis in stride(from: outer.count - 1, through: 0, by: -1) {
                    let idx = rest % outer[axis]
                    rest /= outer[axis]
                    offA += idx * oa[axis]
                    offB += idx * ob[axis]
                }
                let x = pa + offA, y = pb + offB, o = po + row * inner
                if sa == 1 && sb == 1 {
                    for i in 0..<inner { o[i] = F.apply(x[i], y[i]) }
                } else if sa == 1 {
                    let s = y[0]
                    for i in 0..<inner { o[i] = F.apply(x[i], s) }
                } else if sb == 1 {
                    let s = x[0]
                    for i in 0..<inner { o[i] = F.apply(s, y[i]) }
                } else {
                    let v = F.apply(x[0], y[0])
                    for i in 0..<inner { o[i] = v }
                }
            }
        }
    }

    /// A new tensor `f(a, b)` of the broadcast shape.
    static func apply<F: BinaryFunction>(_ f: F.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        let out = Tensor(uninitialized: Broadcast.shape(a.shape, b.shape, op: op))
        run(f, a, b, into: out)
        return out
    }
}

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let out = BinaryKernel.apply(Add.self, a, b, op: "add")
        let (sa, sb) = (a.shape, b.shape)
        return record(out, op: "add", inputs: [a, b]) { _, g in [g.sumTo(sa), g.sumTo(sb)] }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let out = BinaryKernel.apply(Sub.self, a, b, op: "sub")
        let (sa, sb) = (a.shape, b.shape)
        return record(out, op: "sub", inputs: [a, b]) { _, g in [g.sumTo(sa), (-g).sumTo(sb)] }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let out = BinaryKernel.apply(Mul.self, a, b, op: "mul")
        return record(out, op: "mul", inputs: [a, b]) { _, g in
            [a.requiresGrad ? (g * b).sumTo(a.shape) : nil,
             b.requiresGrad ? (g * a).sumTo(b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = BinaryKernel.apply(Div.self, a, b, op: "div")
        return record(out, op: "div", inputs: [a, b]) { out, g in
            [a.requiresGrad ? (g / b).sumTo(a.shape) : nil,
             b.requiresGrad ? (-(g * out) / b).sumTo(b.shape) : nil]
        }
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func + (s: Float, a: Tensor) -> Tensor { a.affine(scale: 1, shift: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1, shift: -s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.affine(scale: -1, shift: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.affine(scale: s, shift: 0) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.affine(scale: 1 / s, shift: 0) }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) / a }
    public static prefix func - (a: Tensor) -> Tensor { a.affine(scale: -1, shift: 0) }

    /// `scale · x + shift` elementwise; `∂x = scale · g`.
    public func affine(scale: Float, shift: Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data
        Parallel.forRanges(count) { r in for i in r { o[i] = scale * x[i] + shift } }
        return Tensor.record(out, op: "affine", inputs: [self]) { _, g in [g * scale] }
    }

    /// `self += scale · other` in place (same shape; not recorded). For gradient
    /// accumulation and optimizer updates.
    public func addInPlace(_ other: Tensor, scale: Float = 1) {
        tensorCheck(other.shape == shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        let x = data, y = other.data
        Parallel.forRanges(count) { r in for i in r { x[i] += scale * y[i] } }
    }
}
