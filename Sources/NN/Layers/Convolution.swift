import Tensor

/// 1-D convolution over `[batch, channels, time]` (PyTorch's `Conv1d`), with `groups`
/// (`groups = in = out` is ConvNeXt's depthwise convolution) and dilation (WaveNet's):
///
/// ```
/// y[b, o, t] = bias[o] + Σ_{c,k} weight[o, c, k] · x[b, g·in/G + c, t·stride + k·dilation − padding]
///              g = o / (out/G), the group of output channel o
/// weight [out, in/G, kernel], bias [out] ~ U(−1/√(in/G·kernel), 1/√(in/G·kernel))
/// ```
/// Output length `⌊(T + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1`.
public final class Conv1d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int, dilation: Int, groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout SplitMix64) {
        nnCheck(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                "Conv1d: \(inChannels) input and \(outChannels) output channels must both be multiples of groups=\(groups)")
        let fanIn = inChannels / groups * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weight = .uniform([outChannels, inChannels / groups, kernelSize], low: -bound, high: bound,
                          generator: &generator, requiresGrad: true)
        self.bias = bias ? .uniform([outChannels], low: -bound, high: bound, generator: &generator, requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv1d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// 2-D convolution over `[batch, channels, height, width]` (PyTorch's `Conv2d`); sizes, stride,
/// padding and dilation are `(height, width)`. Its weights start as PyTorch's do:
///
/// ```
/// y = conv2d(x, weight, bias)        see Tensor's conv2d for the sum
/// weight [out, in/G, KH, KW], bias [out] ~ U(−1/√(in/G·KH·KW), 1/√(in/G·KH·KW))
/// ```
/// Spectrogram discriminators run it over `[B, 1, bins, frames]`.
public final class Conv2d: Module {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public let groups: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                generator: inout SplitMix64) {
        nnCheck(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                "Conv2d: \(inChannels) input and \(outChannels) output channels must both be multiples of groups=\(groups)")
        let fanIn = inChannels / groups * kernelSize.0 * kernelSize.1
        let bound = 1 / Float(fanIn).squareRoot()
        weight = .uniform([outChannels, inChannels / groups, kernelSize.0, kernelSize.1], low: -bound, high: bound,
                          generator: &generator, requiresGrad: true)
        self.bias = bias ? .uniform([outChannels], low: -bound, high: bound, generator: &generator, requiresGrad: true) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
