import Tensor

/// 1-D convolution over `[batch, channels, time]` (PyTorch's `Conv1d`, groups 1):
///
/// ```
/// y[b, o, t] = bias[o] + Σ_{c,k} weight[o, c, k] · x[b, c, t·stride + k·dilation − padding]
/// weight [out, in, kernel], bias [out] ~ U(−1/√(in·kernel), 1/√(in·kernel))
/// ```
/// Output length `⌊(T + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1`.
public final class Conv1d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, generator: inout SplitMix64) {
        let bound = 1 / Float(inChannels * kernelSize).squareRoot()
        weight = .uniform([outChannels, inChannels, kernelSize], low: -bound, high: bound,
                          generator: &generator, requiresGrad: true)
        self.bias = bias ? .uniform([outChannels], low: -bound, high: bound, generator: &generator, requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}
