import Foundation
import Testing
import NN
import Tensor
@testable import Benchmarks

/// `‖a − b‖ / ‖b‖` over whole tensors.
private func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    var diff: Double = 0, norm: Double = 0
    for (x, y) in zip(a, b) {
        diff += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return Float((diff / max(norm, 1e-30)).squareRoot())
}

@Suite struct RefSmallTests {
    @Test func hasTheIssuesSize() {
        let model = RefSmall()
        #expect(model.parameterCount == 4_950_096)                        // PyTorch's count
        let gflop = model.config.forwardFLOPs(batch: 16) / 1e9
        #expect(gflop > 19 && gflop < 19.6, "\(gflop) GFLOP forward")
        #expect(model.namedParameters().map(\.name).contains("encoder.3.self_attn.in_proj_weight"))
    }

    /// The whole model at a tiny size against PyTorch (float64 reference): the mel, the L1
    /// loss, every parameter gradient and the reference mel's gradient.
    @Test func matchesPyTorch() throws {
        let url = try #require(Bundle.module.url(forResource: "ref_small", withExtension: "safetensors", subdirectory: "Fixtures"))
        let (arrays, metadata) = try Safetensors.read(url)
        let c = try #require(try JSONSerialization.jsonObject(with: Data((metadata["config"] ?? "").utf8)) as? [String: Any])
        var config = RefSmallConfig()
        config.vocabulary = c["vocab"] as! Int
        config.dimensions = c["d"] as! Int
        config.heads = c["heads"] as! Int
        config.feedForward = c["ffn"] as! Int
        config.layers = c["layers"] as! Int
        config.melBins = c["mel"] as! Int
        config.referenceChannels = c["ref_channels"] as! [Int]
        config.referenceKernel = c["ref_kernel"] as! Int
        config.decoderLayers = c["dec_layers"] as! Int
        config.decoderKernel = c["dec_kernel"] as! Int
        config.repeatCount = c["repeat"] as! Int
        config.tokens = c["tokens"] as! Int
        config.referenceFrames = c["ref_frames"] as! Int
        config.batch = c["batch"] as! Int

        let model = RefSmall(config, seed: 7)
        try model.load(stateDict: Dictionary(uniqueKeysWithValues: arrays.compactMap { k, v in
            k.hasPrefix("param.") ? (String(k.dropFirst(6)), v) : nil
        }))
        func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
            let a = try #require(arrays[key], "no \(key)")
            return Tensor(a.values, shape: a.shape, requiresGrad: requiresGrad)
        }
        let tokens = try #require(arrays["input.tokens"]).values.map { Int($0) }
        let referenceMel = try tensor("input.ref_mel", requiresGrad: true)
        let mel = model(tokens: tokens, batch: config.batch, referenceMel: referenceMel)
        let loss = try l1Loss(mel, try tensor("input.target"))
        #expect(relativeError(mel.scalars, try tensor("output.mel").scalars) <= 1e-4)
        #expect(relativeError(loss.scalars, try tensor("output.loss").scalars) <= 1e-5)
        loss.backward()
        for (name, p) in model.namedParameters() {
            let expected = try tensor("grad.\(name)")
            let grad = try #require(p.grad, "\(name) has no gradient")
            #expect(grad.shape == expected.shape)
            let error = relativeError(grad.scalars, expected.scalars)
            #expect(error <= 1e-4, "grad.\(name): relative error \(error)")
        }
        let g = try #require(referenceMel.grad)
        #expect(relativeError(g.scalars, try tensor("grad_input.ref_mel").scalars) <= 1e-4)
    }
}
