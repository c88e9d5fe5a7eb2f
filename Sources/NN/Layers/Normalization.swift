import Tensor

/// Layer normalisation over the last axis (Ba et al. 2016; PyTorch's `LayerNorm`):
///
/// ```
/// y = (x − mean(x)) / √(var(x) + ε) · weight + bias      (biased variance)
/// weight = 1, bias = 0 initially; both [features]
/// ```
public final class LayerNorm: Module {
    public let weight: Tensor
    public let bias: Tensor
    public let epsilon: Float

    public init(_ features: Int, epsilon: Float = 1e-5) {
        weight = .ones([features], requiresGrad: true)
        bias = .zeros([features], requiresGrad: true)
        self.epsilon = epsilon
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }
}
