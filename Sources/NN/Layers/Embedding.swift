import Tensor

/// A lookup table of learned vectors (PyTorch's `Embedding`): token `i` → `weight[i]`.
///
/// ```
/// weight [count, dimensions] ~ N(0, 1)
/// ```
/// Shapes: ids with shape `S` → `S + [dimensions]`.
public final class Embedding: Module {
    public let weight: Tensor

    public init(_ count: Int, _ dimensions: Int, generator: inout SplitMix64) {
        weight = .randn([count, dimensions], generator: &generator, requiresGrad: true)
    }

    /// Looks up `ids` (row-major, filling `shape`); stops with a message on an id out of range.
    public func callAsFunction(_ ids: [Int], shape: [Int]) -> Tensor {
        weight.embedding(ids, shape: shape)
    }
}
