import Testing
import Tensor
@testable import NN

@Suite struct GRUTests {
    @Test func matchesPyTorch() throws {
        let r = try Reference("gru")
        var generator = SplitMix64(seed: 1)
        let gru = GRU(inputSize: try r.int("inputSize"), hiddenSize: try r.int("hiddenSize"), generator: &generator)
        #expect(gru.namedParameters().map(\.name) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        try r.check(gru, inputs: ["x", "h0"]) { i in
            let (y, h) = gru(i["x"]!, initial: i["h0"]!.reshaped([2, 8]))
            return ["y": y, "h": h.unsqueezed(0)]
        }
    }
}
