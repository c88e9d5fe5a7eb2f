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
}
