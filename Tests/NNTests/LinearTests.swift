import Testing
import Tensor
@testable import NN

@Suite struct LinearTests {
    @Test func matchesPyTorch() throws {
        let reference = try Reference("linear")
        var generator = SplitMix64(seed: 1)
        let layer = Linear(try reference.int("inFeatures"), try reference.int("outFeatures"), generator: &generator)
        try reference.check(layer, inputs: ["x"]) { ["y": layer($0["x"]!)] }
    }

    @Test func initialisesWithinPyTorchsBound() {
        var generator = SplitMix64(seed: 2)
        let layer = Linear(100, 3, generator: &generator)
        #expect(layer.weight.shape == [3, 100])
        #expect(layer.weight.scalars.allSatisfy { abs($0) <= 0.1 })
        #expect(layer.weight.scalars.contains { abs($0) > 0.05 })
        #expect(Linear(4, 2, bias: false, generator: &generator).bias == nil)
    }
}
