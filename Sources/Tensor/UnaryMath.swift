import Foundation

/// Elementwise maths: exp, log, sqrt, pow, tanh, abs, clamp.
/// ```
/// exp:    y = eˣ          ∂x = g·y
/// log:    y = ln x        ∂x = g/x
/// sqrt:   y = √x          ∂x = g/(2y)
/// pow:    y = xᵖ          ∂x = g·p·xᵖ⁻¹
/// tanh:   y = tanh x      ∂x = g·(1 − y²)
/// abs:    y = |x|         ∂x = g·sign(x)   (0 at x = 0, as in PyTorch)
/// clamp:  y = max(x, m)   ∂x = g·[x ≥ m]   (PyTorch's `clamp(min=m)`)
/// ```
extension Tensor {
    public func exp() -> Tensor {
        let out = Kernels.map(ExpFn.self, self)
        return Tensor.record(out, op: "exp", inputs: [self]) { y, g in [g * y] }
    }

    public func log() -> Tensor {
        let out = Kernels.map(LogFn.self, self)
        return Tensor.record(out, op: "log", inputs: [self]) { _, g in [g / self] }
    }

    public func sqrt() -> Tensor {
        let out = Kernels.map(SqrtFn.self, self)
        return Tensor.record(out, op: "sqrt", inputs: [self]) { y, g in
            [BinaryKernel.apply(SqrtGrad.self, g, y, op: "sqrt backward")]
        }
    }

    /// `xᵖ` for a scalar exponent (negative bases need an integer `p`, as in `powf`).
    public func pow(_ p: Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data
        Parallel.forRanges(count, minimumPerThread: 1 << 13) { r in
            for i in r { o[i] = Foundation.pow(x[i], p) }
        }
        return Tensor.record(out, op: "pow", inputs: [self]) { _, g in
            [g * (self.pow(p - 1) * p)]
        }
    }

    public func tanh() -> Tensor {
        let out = Kernels.map(TanhFn.self, self)
        return Tensor.record(out, op: "tanh", inputs: [self]) { y, g in
            [BinaryKernel.apply(TanhGrad.self, g, y, op: "tanh backward")]
        }
    }

    public func abs() -> Tensor {
        let out = Kernels.map(AbsFn.self, self)
        return Tensor.record(out, op: "abs", inputs: [self]) { _, g in
            [BinaryKernel.apply(AbsGrad.self, g, self, op: "abs backward")]
        }
    }

    /// `max(x, minimum)`: keeps a magnitude off zero before `sqrt` or `log`.
    public func clamped(min minimum: Float) -> Tensor {
        let out = Tensor(uninitialized: shape)
        let x = data, o = out.data
        Parallel.forRanges(count, minimumPerThread: 1 << 14) { r in
            for i in r { o[i] = Swift.max(x[i], minimum) }
        }
        return Tensor.record(out, op: "clamp", inputs: [self]) { _, g in
            let dx = Tensor(uninitialized: g.shape)
            let (gd, d) = (g.data, dx.data)
            Parallel.forRanges(g.count, minimumPerThread: 1 << 14) { r in
                for i in r { d[i] = x[i] >= minimum ? gd[i] : 0 }
            }
            return [dx]
        }
    }
}

enum ExpFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Kernels.exp(x) } }
enum LogFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Foundation.log(x) } }
enum SqrtFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { x.squareRoot() } }
enum TanhFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Kernels.tanh(x) } }
/// `(g, y) ↦ g / (2y)`.
enum SqrtGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g / (2 * y) } }
/// `(g, y) ↦ g (1 − y²)`.
enum TanhGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }
enum AbsFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Swift.abs(x) } }
/// `(g, x) ↦ g·sign(x)`.
enum AbsGrad: BinaryFunction {
    @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float { x > 0 ? g : (x < 0 ? -g : 0) }
}
