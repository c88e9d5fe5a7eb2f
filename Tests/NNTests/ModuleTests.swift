import Foundation
import Testing
import Tensor
@testable import NN

/// A small tree: a keyed child, a list of children, an optional parameter.
private final class Block: Module {
    @Key("self_attn") var attention: Linear
    var layers: [Linear]
    var scale: Tensor?
    var gains: [Tensor] = [.ones([1], requiresGrad: true)]
    var note = "configuration, not a parameter"

    init(scale: Bool, generator: inout SplitMix64) {
        _attention.wrappedValue = Linear(3, 3, generator: &generator)
        layers = [Linear(3, 4, generator: &generator), Linear(4, 2, bias: false, generator: &generator)]
        self.scale = scale ? .ones([2], requiresGrad: true) : nil
    }
}

@Suite struct ModuleTests {
    @Test func namesParametersLikePyTorch() {
        var generator = SplitMix64(seed: 0)
        let block = Block(scale: true, generator: &generator)
        #expect(block.namedParameters().map(\.name) == [
            "self_attn.weight", "self_attn.bias", "layers.0.weight", "layers.0.bias", "layers.1.weight", "scale", "gains.0",
        ])
        #expect(block.parameterCount == 12 + 16 + 8 + 2 + 1)
        #expect(!Block(scale: false, generator: &generator).namedParameters().map(\.name).contains("scale"))
    }

    @Test func trainAndEvalReachEveryModule() {
        var generator = SplitMix64(seed: 0)
        let block = Block(scale: false, generator: &generator)
        block.eval()
        #expect(!block.training && !block.attention.training && !block.layers[1].training)
        block.train()
        #expect(block.layers[0].training)
    }

    @Test func stateDictRoundTripsThroughSafetensors() throws {
        var generator = SplitMix64(seed: 0)
        let a = Block(scale: true, generator: &generator)
        let b = Block(scale: true, generator: &generator)
        #expect(a.stateDict() != b.stateDict())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-module-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.save(to: url)
        let keptWeight = b.attention.weight
        try b.load(from: url)
        #expect(a.stateDict() == b.stateDict())
        #expect(b.attention.weight === keptWeight, "loading copies into the existing parameters")
    }

    @Test func strictLoadingNamesEveryProblem() throws {
        var generator = SplitMix64(seed: 0)
        let block = Block(scale: true, generator: &generator)
        let before = block.stateDict()
        var dict = before
        dict["layers.0.bias"] = nil
        dict["layers.9.weight"] = NamedArray(shape: [1], values: [0])
        dict["self_attn.weight"] = NamedArray(shape: [3, 2], values: Array(repeating: 0, count: 6))
        let error = #expect(throws: StateDictError.self) { try block.load(stateDict: dict) }
        #expect(error?.missing == ["layers.0.bias"])
        #expect(error?.unexpected == ["layers.9.weight"])
        let text = error?.description ?? ""
        #expect(text.contains("self_attn.weight: the module has shape [3, 3], the state dict [3, 2]"))
        #expect(block.stateDict() == before, "a failed load changes nothing")
    }
}
