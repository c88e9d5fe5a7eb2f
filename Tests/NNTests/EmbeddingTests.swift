import Testing
import Tensor
@testable import NN

@Suite struct EmbeddingTests {
    @Test func matchesPyTorch() throws {
        let r = try Reference("embedding")
        var generator = SplitMix64(seed: 1)
        let embedding = Embedding(try r.int("count"), try r.int("dimensions"), generator: &generator)
        let tokens = try r.ints("input.tokens")
        try r.check(embedding) { _ in ["y": embedding(tokens, shape: [2, 5])] }
    }
}
