import Foundation

/// Cosine and sine, for heads that predict a phase (Vocos' `m·cos φ`, `m·sin φ`).
/// ```
/// cos:  y = cos x     ∂x = −g·sin x
/// sin:  y = sin x     ∂x = g·cos x
/// ```
extension Tensor {
    public func cos() -> Tensor {
        let out = Kernels.map(CosFn.self, self)
        return Tensor.record(out, op: "cos", inputs: [self]) { _, g in
            [BinaryKernel.apply(CosGrad.self, g, self, op: "cos backward")]
        }
    }

    public func sin() -> Tensor {
        let out = Kernels.map(SinFn.self, self)
        return Tensor.record(out, op: "sin", inputs: [self]) { _, g in
            [BinaryKernel.apply(SinGrad.self, g, self, op: "sin backward")]
        }
    }
}

enum CosFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Foundation.cos(x) } }
enum SinFn: UnaryFunction { @inline(__always) static func apply(_ x: Float) -> Float { Foundation.sin(x) } }
enum CosGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float { -g * Foundation.sin(x) } }
enum SinGrad: BinaryFunction { @inline(__always) static func apply(_ g: Float, _ x: Float) -> Float { g * Foundation.cos(x) } }
