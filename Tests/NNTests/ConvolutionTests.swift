import Testing
import Tensor
@testable import NN

@Suite struct ConvolutionTests {
    @Test(arguments: ["conv1d", "conv1d_strided", "conv1d_depthwise", "conv1d_grouped"])
    func matchesPyTorch(_ name: String) throws {
        let r = try Reference(name)
        var generator = SplitMix64(seed: 1)
        let conv = Conv1d(try r.int("inChannels"), try r.int("outChannels"), kernelSize: try r.int("kernel"),
                          stride: r.config["stride"] as? Int ?? 1, padding: try r.int("padding"),
                          dilation: try r.int("dilation"), groups: r.config["groups"] as? Int ?? 1, generator: &generator)
        try r.check(conv, inputs: ["x"]) { ["y": conv($0["x"]!)] }
    }

    @Test func depthwiseWeightHasPyTorchsShape() {
        var generator = SplitMix64(seed: 1)
        #expect(Conv1d(512, 512, kernelSize: 7, padding: 3, groups: 512, generator: &generator).weight.shape == [512, 1, 7])
        #expect(Conv1d(8, 6, kernelSize: 3, groups: 2, generator: &generator).weight.shape == [6, 4, 3])
    }

    @Test func namesItsParametersLikePyTorch() {
        var generator = SplitMix64(seed: 1)
        let conv = Conv1d(80, 128, kernelSize: 3, padding: 1, generator: &generator)
        #expect(conv.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(conv.weight.shape == [128, 80, 3])
    }

    @Test func conv2dHasPyTorchsShapesNamesAndInitialBound() {
        var generator = SplitMix64(seed: 1)
        let conv = Conv2d(2, 8, kernelSize: (3, 9), stride: (1, 2), padding: (1, 4), generator: &generator)
        #expect(conv.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(conv.weight.shape == [8, 2, 3, 9])
        let bound = 1 / Float(2 * 3 * 9).squareRoot()
        #expect(conv.weight.scalars.allSatisfy { abs($0) <= bound } && conv.weight.scalars.map(abs).max()! > 0.8 * bound)
        #expect(conv(Tensor.zeros([2, 2, 5, 16])).shape == [2, 8, 5, 8])
    }
}
