import Testing
import Tensor
@testable import NN

@Suite struct LossTests {
    let r: Reference
    init() throws { r = try Reference("losses") }

    func expectMatches(_ name: String, input: String = "prediction", _ loss: (Tensor) throws -> Tensor) throws {
        let x = try r.tensor(input, requiresGrad: true)
        let value = try loss(x)
        #expect(value.shape == [])
        try r.expectClose(value, "\(name).loss", tolerance: 1e-5)
        value.backward()
        try r.expectClose(x.grad, "\(name).grad", tolerance: 1e-5)
    }

    @Test func regressionLossesMatchPyTorch() throws {
        let target = try r.tensor("target"), mask = try r.tensor("mask")
        try expectMatches("l1") { try l1Loss($0, target) }
        try expectMatches("mse") { try mseLoss($0, target) }
        try expectMatches("masked_l1") { try maskedL1Loss($0, target, mask: mask) }
        try expectMatches("masked_mse") { try maskedMSELoss($0, target, mask: mask) }
    }

    @Test func crossEntropyMatchesPyTorch() throws {
        let labels = try r.ints("labels")
        try expectMatches("cross_entropy", input: "logits") { try crossEntropyLoss($0, labels: labels) }
    }

    @Test func binaryCrossEntropyMatchesPyTorchOnLargeLogits() throws {
        let voiced = try r.tensor("voiced"), mask = try r.tensor("mask")
        try expectMatches("masked_bce", input: "bce_logits") { try maskedBinaryCrossEntropy(logits: $0, voiced, mask: mask) }
    }

    @Test func nonFiniteLossesThrowNamingTheLoss() {
        let p = Tensor([1, .infinity], shape: [2]), t = Tensor([0, 0], shape: [2])
        let error = #expect(throws: TensorError.self) { try l1Loss(p, t) }
        #expect(error?.description.contains("l1Loss") == true)
    }
}
