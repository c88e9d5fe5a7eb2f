import Foundation

/// Activations: ReLU, leaky ReLU, sigmoid, GELU (erf and tanh forms), WaveNet's gated tanh.
/// ```
/// relu:      y = max(x, 0)                 ∂x = g·[x > 0]
/// leakyRelu: y = x if x > 0 else a·x       ∂x = g·(x > 0 ? 1 : a)      (a ≥ 0)
/// sigmoid:   y = σ(x) = 1/(1 + e⁻ˣ)        ∂x = g·y(1 − y)
/// gelu:      y = x·Φ(x) = ½x(1 + erf(x/√2))
///            ∂x = g·(Φ(x) + x·φ(x)),  φ(x) = e^(−x²/2)/√(2π)
/// geluTanh:  y = ½x(1 + tanh u),  u = √(2/π)(x + 0.044715x³)
///            ∂x = g·(½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²))
/// gatedTanh: x = [a; b] split in halves along an axis,  y = tanh(a) ⊙ σ(b)
///            ∂a = g·σ(b)·(1 − tanh²a),  ∂b = g·tanh(a)·σ(b)(1 − σ(b))
/// ```
extension Tensor {
    public func relu() -> Tensor {
        let out = Kernels.map(ReluFn.self, self)
        return Tensor.record(out, op: "relu", inputs: [self]) { y, g in
            [BinaryKernel.apply(ReluGrad.self, g, y, op: "relu backward")]
        }
    }

    /// Leaky ReLU with negative slope `slope` (the GAN discriminators' 0.1 or 0.2).
    public func leakyRelu(_ slope: Float) -> Tensor {
        tensorCheck(slope >= 0, "leakyRelu: slope \(slope) must not be negative")
        let out = Tensor(uninitialized: shape)
        let (x, y) = (data, out.data)
        Parallel.forRanges(count, minimumPerThread: 1 << 15) { r in
            for i in r { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
        }
        return Tensor.record(out, op: "leakyRelu", inputs: [self]) { out, g in
            // y > 0 exactly when x > 0 (for a slope ≥ 0), so the output decides the branch.
            let dx = Tensor(uninitialized: out.shape)
            let (yd, gd, d) = (out.data, g.data, dx.data)
            Parallel.forRanges(out.count, minimumPerThread: 1 << 15) { r in
                for i in r { d[i] = yd[i] > 0 ? gd[i] : slope * gd[i] }
            }
            return [dx]
        }
    }

    public func sigmoid() -> Tensor {
        let out = Kernels.map(SigmoidFn.self, self)
        return Tensor.record(out, op: "sigmoid", inputs: [self]) { y, g in
            [BinaryKernel.apply(SigmoidGrad.self, g, y, op: "sigmoid backward")]
        }
    }

    /// GELU, exact form with erf (PyTorch `gelu(approximate='none')`).
    public func gelu() -> Tensor {
        let out = Kernels.map(GeluFn.self, self)
        return Tensor.record(out, op: "gelu", inputs: [self]) { _, g in
            [BinaryKernel.apply(GeluGrad.self, g, self, op: "gelu backward")]
        }
    }

    /// GELU, tanh approximation (PyTorch `gelu(approximate='tanh')`).
    public func geluTanh() -> Tensor {
        let out = Kernels.map(GeluTanhFn.self, self)
        return Tensor.record(out, op: "geluTanh", inputs: [self]) { _, g in
            [BinaryKernel.apply(GeluTanhGrad.self, g, self, op: "geluTanh backward")]
        }
    }
}

extension Tensor {
    /// WaveNet's gated activation `tanh(a) ⊙ σ(b)`, `a` the first and `b` the second half of
    /// `axis` (Parallel WaveGAN splits the channels of `[B, 2C, T]` into `[B, C, T]`). One pass
    /// each way, reading the halves in place: composing split, tanh, sigmoid and a product
    /// would copy both halves and keep four intermediates for the backward.
    public func gatedTanh(axis: Int = 1) -> Tensor {
        let axis = normalizedAxis(axis, op: "gatedTanh")
        tensorCheck(shape[axis] % 2 == 0, "gatedTanh: axis \(axis) of \(shape) has an odd size")
        var outShape = shape
        outShape[axis] /= 2
        let half = outShape[axis...].reduce(1, *), outer = count / (2 * half)
        let out = Tensor(uninitialized: outShape)
        let (x, y) = (data, out.data)
        Parallel.forRanges(outer * half, minimumPerThread: 1 << 13) { r in
            for i in r {
                let a = x + (i / half) * 2 * half + i % half
                y[i] = Kernels.tanh(a[0]) * Kernels.sigmoid(a[half])
            }
        }
        return Tensor.record(out, op: "gatedTanh", inputs: [self]) { _, g in
            let dx = Tensor(uninitialized: self.shape)
            let (gd, d) = (g.data, dx.data)
            Parallel.forRanges(outer * half, minimumPerThread: 1 << 13) { r in
                for i in r {
                    let j = (i / half) * 2 * half + i % half
                    let t = Kernels.tanh(x[j]), s = Kernels.sigmoid(x[j + half])
                    d[j] = gd[i] * s * (1 - t * t)
                    d[j + half] = gd[i] * t * s * (1 - s)
                }
            }
            return [dx]
        }
    }
}

enum ReluFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Swift.max(x, 0) } }
/// `(g, y) ↦ g·[y > 0]` (y = relu(x) > 0 exactly when x > 0).
enum ReluGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { y > 0 ? g : 0 } }
enum SigmoidFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Kernels.sigmoid(x) } }
enum SigmoidGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }

private let invSqrt2: Float = 0.707_106_781
private let invSqrt2Pi: Float = 0.398_942_28
private let sqrt2OverPi: Float = 0.797_884_56
private let geluC: Float = 0.044_715

enum GeluFn: UnaryFunction {
    @inline(__always) static func apply(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * invSqrt2)) }
}
enum GeluGrad: BinaryFunction {
    @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float {
        let cdf = 0.5 * (1 + erf(x * invSqrt2))
        let pdf = invSqrt2Pi * Kernels.exp(-0.5 * x * x)
        return g * (cdf + x * pdf)
    }
}
enum GeluTanhFn: UnaryFunction {
    @inline(__always) static func apply(_ x: Float) -> Float {
        0.5 * x * (1 + Kernels.tanh(sqrt2OverPi * (x + geluC * x * x * x)))
    }
}
enum GeluTanhGrad: BinaryFunction {
    @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float {
        let t = Kernels.tanh(sqrt2OverPi * (x + geluC * x * x * x))
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt2OverPi * (1 + 3 * geluC * x * x))
    }
}
