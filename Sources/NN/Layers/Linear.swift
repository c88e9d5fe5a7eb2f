import Tensor

/// An affine map `y = x · Wᵀ + b` over the last axis (PyTorch's `Linear`).
///
/// ```
/// weight [out, in], bias [out] ~ U(−1/√in, 1/√in)
/// ```
/// Shapes: `[..., in]` → `[..., out]`.
public final class Linear: Module {
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, generator: inout SplitMix64) {
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = .uniform([outFeatures, inFeatures], low: -bound, high: bound, generator: &generator, requiresGrad: true)
        self.bias = bias ? .uniform([outFeatures], low: -bound, high: bound, generator: &generator, requiresGrad: true) : nil
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}
