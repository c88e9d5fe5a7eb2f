import Foundation
import Testing
import Tensor
@testable import NN

@Suite struct OptimizerTests {
    let reference: Reference
    init() throws { reference = try Reference("optimizers") }

    /// Three steps with the fixture's gradients, each compared with PyTorch's parameters.
    func expectTrajectory(_ name: String, _ make: ([(name: String, tensor: Tensor)]) -> Optimizer) throws {
        let parameter = try reference.tensor("param", requiresGrad: true)
        let grads = try reference.array("grads")
        let optimizer = make([("p", parameter)])
        for step in 0..<3 {
            parameter.grad = Tensor(Array(grads.values[(step * 12)..<((step + 1) * 12)]), shape: [12])
            optimizer.step()
            try reference.expectClose(parameter, "\(name).step\(step + 1)", tolerance: 1e-5)
        }
    }

    @Test func sgdMatchesPyTorch() throws {
        try expectTrajectory("sgd") { SGD($0, learningRate: 0.1) }
        try expectTrajectory("sgd_momentum") { SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) }
    }

    @Test func adamMatchesPyTorch() throws {
        try expectTrajectory("adam") { Adam($0, learningRate: 0.01) }
        try expectTrajectory("adam_l2") { Adam($0, learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.1) }
        try expectTrajectory("adamw") { AdamW($0, learningRate: 0.01, weightDecay: 0.1) }
    }

    @Test func parametersWithoutGradientsStayPut() {
        let p = Tensor([1, 2], requiresGrad: true)
        Adam([("p", p)]).step()
        #expect(p.scalars == [1, 2])
    }

    /// A parameter group with a scaled learning rate moves exactly as an optimizer of its
    /// own with that rate; the other parameters are untouched by the scale.
    @Test func aScaledGroupMovesAsWithItsOwnLearningRate() throws {
        let grads = try reference.array("grads").values
        let (a, b) = (try reference.tensor("param", requiresGrad: true), try reference.tensor("param", requiresGrad: true))
        let (alone, scaledAlone) = (try reference.tensor("param", requiresGrad: true), try reference.tensor("param", requiresGrad: true))
        let grouped = AdamW([("encoder.p", a), ("bert.p", b)], learningRate: 0.01, weightDecay: 0.1)
        grouped.scaleLearningRate(0.1, forNamesWithPrefix: "bert.")
        #expect(grouped.learningRateScales == [1, 0.1])
        let plain = AdamW([("p", alone)], learningRate: 0.01, weightDecay: 0.1)
        let slow = AdamW([("p", scaledAlone)], learningRate: 0.01 * Float(0.1), weightDecay: 0.1)
        for step in 0..<3 {
            let g = Array(grads[(step * 12)..<((step + 1) * 12)])
            for p in [a, b, alone, scaledAlone] { p.grad = Tensor(g, shape: [12]) }
            for optimizer in [grouped, plain, slow] { optimizer.step() }
        }
        #expect(a.scalars == alone.scalars)
        #expect(b.scalars == scaledAlone.scalars)
        #expect(a.scalars != b.scalars)
    }

    @Test func savedStateResumesExactly() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-adam-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let grads = try reference.array("grads").values
        let parameter = try reference.tensor("param", requiresGrad: true)
        let first = Adam([("p", parameter)], learningRate: 0.01)
        for step in 0..<2 {
            parameter.grad = Tensor(Array(grads[(step * 12)..<((step + 1) * 12)]), shape: [12])
            first.step()
        }
        try first.save(to: url)
        let (arrays, metadata) = try Safetensors.read(url)
        #expect(Set(arrays.keys) == ["p.exp_avg", "p.exp_avg_sq"])
        #expect(metadata["step"] == "2")

        let resumed = Adam([("p", parameter)], learningRate: 0.01)
        try resumed.load(from: url)
        parameter.grad = Tensor(Array(grads[24..<36]), shape: [12])
        resumed.step()
        try reference.expectClose(parameter, "adam.step3", tolerance: 1e-5)
    }

    @Test func rejectsStateOfAnotherOptimizerOrShape() throws {
        let p = Tensor([1, 2, 3], requiresGrad: true)
        p.grad = Tensor([1, 1, 1])
        let sgd = SGD([("p", p)], learningRate: 0.1, momentum: 0.9)
        sgd.step()
        let (arrays, metadata) = sgd.stateDict()
        #expect(throws: OptimizerStateError.self) { try Adam([("p", p)]).load(stateDict: arrays, metadata: metadata) }
        let other = SGD([("p", Tensor([1, 2], requiresGrad: true))], learningRate: 0.1, momentum: 0.9)
        let error = #expect(throws: StateDictError.self) { try other.load(stateDict: arrays, metadata: metadata) }
        #expect(error?.description.contains("p.momentum_buffer: the module has shape [2], the state dict [3]") == true)
    }

    @Test func stateOfParametersWithoutGradientsIsOptionalButOthersAreRequired() throws {
        let used = Tensor([1, 2], requiresGrad: true), unused = Tensor([3], requiresGrad: true)
        used.grad = Tensor([0.5, -0.5])
        let adam = Adam([("used", used), ("unused", unused)])
        adam.step()
        var (arrays, metadata) = adam.stateDict()
        #expect(Set(arrays.keys) == ["used.exp_avg", "used.exp_avg_sq"])
        try Adam([("used", used), ("unused", unused)]).load(stateDict: arrays, metadata: metadata)
        arrays["used.exp_avg_sq"] = nil
        let error = #expect(throws: StateDictError.self) {
            try Adam([("used", used), ("unused", unused)]).load(stateDict: arrays, metadata: metadata)
        }
        #expect(error?.missing == ["used.exp_avg_sq"])
    }

    @Test func clippingMatchesPyTorch() throws {
        let a = Tensor(try reference.array("clip.a").values, shape: [3, 4], requiresGrad: true)
        let b = Tensor(try reference.array("clip.b").values, shape: [5], requiresGrad: true)
        a.grad = a.copy()
        b.grad = b.copy()
        let norm = try clipGradNorm([a, b], maxNorm: 1)
        #expect(abs(norm - (try reference.array("clip.norm").values[0])) < 1e-5)
        try reference.expectClose(a.grad, "clip.a_clipped", tolerance: 1e-5)
        try reference.expectClose(b.grad, "clip.b_clipped", tolerance: 1e-5)
    }

    @Test func clippingRejectsNonFiniteGradients() {
        let p = Tensor([1, 2], requiresGrad: true)
        p.grad = Tensor([1, .nan])
        #expect(throws: TensorError.self) { try clipGradNorm([p], maxNorm: 1) }
    }
}
