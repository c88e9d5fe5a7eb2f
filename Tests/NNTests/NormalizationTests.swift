import Testing
import Tensor
@testable import NN

@Suite struct NormalizationTests {
    @Test func layerNormMatchesPyTorch() throws {
        let r = try Reference("layer_norm")
        let norm = LayerNorm(try r.int("features"))
        try r.check(norm, inputs: ["x"]) { ["y": norm($0["x"]!)] }
    }

    @Test func startsAsPlainStandardisation() {
        let y = LayerNorm(4)(Tensor([1, 2, 3, 4], shape: [1, 4])).scalars
        #expect(abs(y.reduce(0, +)) < 1e-5)
        #expect(abs(y.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-3)
    }
}
