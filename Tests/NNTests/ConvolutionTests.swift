import Testing
import Tensor
@testable import NN

@Suite struct ConvolutionTests {
    @Test(arguments: ["conv1d", "conv1d_strided"])
    func matchesPyTorch(_ name: String) throws {
        let r = try Reference(name)
        var generator = SplitMix64(seed: 1)
        let conv = Conv1d(try r.int("inChannels"), try r.int("outChannels"), kernelSize: try r.int("kernel"),
                          stride: try r.int("stride"), padding: try r.int("padding"), dilation: try r.int("dilation"),
                          generator: &generator)
        try r.check(conv, inputs: ["x"]) { ["y": conv($0["x"]!)] }
    }

    @Test func namesItsParametersLikePyTorch() {
        var generator = SplitMix64(seed: 1)
        let conv = Conv1d(80, 128, kernelSize: 3, padding: 1, generator: &generator)
        #expect(conv.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(conv.weight.shape == [128, 80, 3])
    }
}
