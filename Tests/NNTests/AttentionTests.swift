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

/// The one scaled dot-product attention: its weights are what the output is made of.
@Suite struct ScaledDotProductAttentionTests {
    @Test func weightsAreSoftmaxRowsThatIgnorePaddingAndMakeTheOutput() {
        let (q, k, v) = (Tensor.randn([2, 3, 8], seed: 1), Tensor.randn([2, 5, 8], seed: 2), Tensor.randn([2, 5, 8], seed: 3))
        let mask = Tensor([0, 0, 0, 1, 1, 0, 0, 0, 0, 0], shape: [2, 5])
        let (output, weights) = scaledDotProductAttention(query: q, key: k, value: v, heads: 2, keyPaddingMask: mask)
        #expect(output.shape == [2, 3, 8] && weights.shape == [2, 2, 3, 5])
        let w = weights.scalars
        for row in 0..<(2 * 2 * 3) {
            #expect(abs(w[(row * 5)..<(row * 5 + 5)].reduce(0, +) - 1) < 1e-5)
        }
        #expect((0..<6).allSatisfy { w[$0 * 5 + 3] < 1e-30 && w[$0 * 5 + 4] < 1e-30 }, "batch 0 pads keys 3 and 4")
        // Head 0 of query 0 in batch 0 is the weighted sum of the values' first half.
        let expected = (0..<4).map { j in (0..<5).reduce(Float(0)) { $0 + w[$1] * v.scalars[$1 * 8 + j] } }
        #expect(relativeError(Array(output.scalars[0..<4]), expected) < 1e-5)
    }

    @Test func multiHeadAttentionReturnsTheWeightsOfItsOutput() {
        var generator = SplitMix64(seed: 3)
        let attention = MultiHeadAttention(dimensions: 8, heads: 2, generator: &generator)
        let query = Tensor.randn([1, 3, 8], seed: 4), memory = Tensor.randn([1, 5, 8], seed: 5)
        let (output, weights) = attention.attend(query, key: memory, value: memory)
        #expect(output.scalars == attention(query, key: memory, value: memory).scalars)
        #expect(weights.shape == [1, 2, 3, 5])
    }
}
