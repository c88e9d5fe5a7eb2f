import Testing
import Tensor
@testable import NN

@Suite struct AttentionTests {
    @Test func selfAttentionWithPaddingMatchesPyTorch() throws {
        let r = try Reference("mha_self")
        var generator = SplitMix64(seed: 1)
        let attention = MultiHeadAttention(dimensions: try r.int("dimensions"), heads: try r.int("heads"), generator: &generator)
        #expect(attention.namedParameters().map(\.name) == ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        try r.check(attention, inputs: ["x"]) { i in
            ["y": attention(i["x"]!, key: i["x"]!, value: i["x"]!, keyPaddingMask: i["key_padding_mask"]!)]
        }
    }

    @Test func crossAttentionWithPaddingMatchesPyTorch() throws {
        let r = try Reference("mha_cross")
        var generator = SplitMix64(seed: 1)
        let attention = MultiHeadAttention(dimensions: try r.int("dimensions"), heads: try r.int("heads"), generator: &generator)
        try r.check(attention, inputs: ["query", "memory"]) { i in
            ["y": attention(i["query"]!, key: i["memory"]!, value: i["memory"]!, keyPaddingMask: i["key_padding_mask"]!)]
        }
    }

    @Test func paddedKeysDoNotChangeTheResult() {
        var generator = SplitMix64(seed: 3)
        let attention = MultiHeadAttention(dimensions: 8, heads: 2, generator: &generator)
        let query = Tensor.randn([1, 3, 8], seed: 4), memory = Tensor.randn([1, 5, 8], seed: 5)
        let mask = Tensor([0, 0, 0, 1, 1], shape: [1, 5])
        let masked = attention(query, key: memory, value: memory, keyPaddingMask: mask)
        let short = memory.slice(axis: 1, 0..<3)
        let unpadded = attention(query, key: short, value: short)
        #expect(relativeError(masked.scalars, unpadded.scalars) < 1e-6)
    }
}
