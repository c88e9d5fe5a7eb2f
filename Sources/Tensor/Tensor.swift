/// An n-dimensional array of Float32 values with reverse-mode automatic differentiation.
///
/// Storage is contiguous and row-major (the last axis varies fastest). A tensor is a
/// reference type: ops return new tensors and never change their inputs, except the
/// explicitly in-place methods (`withUnsafeMutableBufferPointer`, ``addInPlace(_:scale:)``)
/// used by optimizers. ``reshaped(_:)`` shares storage with its input.
///
/// When ``requiresGrad`` is set on a leaf (a parameter) and grad mode is on (see
/// ``noGrad(_:)``), every op records its inputs and a backward closure; ``backward(_:)``
/// then accumulates `∂loss/∂leaf` into each leaf's ``grad``.
///
/// Thread safety: a tensor may be read from many threads at once; mutating one
/// (`grad`, in-place writes) while another thread uses it is a data race, as for any class.
public final class Tensor: @unchecked Sendable {
    /// Size of each axis, outermost first.
    public let shape: [Int]
    /// Number of elements (product of `shape`; 1 for a scalar of shape `[]`).
    public let count: Int
    var storage: Storage
    /// Whether gradients flow to this tensor. Set it on parameters; op results inherit it.
    public var requiresGrad: Bool
    /// `∂loss/∂self` accumulated by ``backward(_:)`` (leaves only); `nil` until then.
    public var grad: Tensor?
    /// How this tensor was computed (inputs and backward closure); `nil` for leaves.
    var gradFn: GradFn?

    init(shape: [Int], storage: Storage, requiresGrad: Bool = false) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// An uninitialised tensor (kernels fill it).
    convenience init(uninitialized shape: [Int]) {
        for d in shape { tensorCheck(d >= 0, "negative dimension in shape \(shape)") }
        self.init(shape: shape, storage: Storage(count: shape.reduce(1, *)))
    }

    /// A tensor holding `values` in row-major order.
    public convenience init(_ values: [Float], shape: [Int], requiresGrad: Bool = false) {
        tensorCheck(values.count == shape.reduce(1, *),
                    "init: \(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
        self.requiresGrad = requiresGrad
    }

    /// A 1-D tensor holding `values`.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) {
        self.init(values, shape: [values.count], requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public convenience init(scalar: Float) {
        self.init([scalar], shape: [])
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.data.update(repeating: value, count: t.count)
        t.requiresGrad = requiresGrad
        return t
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, requiresGrad: requiresGrad)
    }

    /// Standard-normal values scaled: `mean + std · z`, z from ``SplitMix64/nextNormal()``.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1,
                             generator: inout SplitMix64, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = mean + std * generator.nextNormal() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// ``randn(_:mean:std:generator:requiresGrad:)`` with a fresh generator seeded by `seed`.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64,
                             requiresGrad: Bool = false) -> Tensor {
        var generator = SplitMix64(seed: seed)
        return randn(shape, mean: mean, std: std, generator: &generator, requiresGrad: requiresGrad)
    }

    /// Uniform values in `[low, high)` from ``SplitMix64/nextUniform()``.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: inout SplitMix64, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        for i in 0..<t.count { t.data[i] = low + (high - low) * generator.nextUniform() }
        t.requiresGrad = requiresGrad
        return t
    }

    /// ``uniform(_:low:high:generator:requiresGrad:)`` with a fresh generator seeded by `seed`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64,
                               requiresGrad: Bool = false) -> Tensor {
        var generator = SplitMix64(seed: seed)
        return uniform(shape, low: low, high: high, generator: &generator, requiresGrad: requiresGrad)
    }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// Raw pointer to the first element (internal: kernels only).
    var data: UnsafeMutablePointer<Float> { storage.base }

    /// All values in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The single value of a one-element tensor.
    public func item() -> Float {
        tensorCheck(count == 1, "item: tensor of shape \(shape) has \(count) elements, not 1")
        return data[0]
    }

    /// Reads the values without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: data, count: count))
    }

    /// Writes the values in place (optimizers, loaders). Not recorded for autodiff; tensors
    /// sharing this storage (reshapes) see the change.
    public func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: data, count: count))
    }

    /// A copy with its own storage, detached from the graph.
    public func copy() -> Tensor {
        let t = Tensor(uninitialized: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// The same values, detached from the graph (shares storage; no gradient flows back).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Throws ``TensorError/nonFinite(what:shape:index:value:)`` if any value is NaN or ±Inf.
    public func checkFinite(_ what: String = "tensor") throws {
        for i in 0..<count where !data[i].isFinite {
            throw TensorError.nonFinite(what: what, shape: shape, index: i, value: data[i])
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
