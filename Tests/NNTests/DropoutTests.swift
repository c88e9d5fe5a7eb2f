import Testing
import Tensor
@testable import NN

/// Every dropout of a module tree draws from one ``DropoutSource``: restoring its generator
/// (as a checkpoint does) restores the masks to come.
@Suite struct DropoutTests {
    @Test func layersSharingASourceDrawFromOneStream() {
        let source = DropoutSource(seed: 1)
        let first = Dropout(0.5, source: source), second = Dropout(0.5, source: source)
        let x = Tensor.ones([64])
        let saved = source.generator
        let a = first(x).scalars, b = second(x).scalars
        #expect(a != b, "the second layer continues the stream")
        source.generator = saved
        #expect(first(x).scalars == a)
        #expect(second(x).scalars == b)
    }

    @Test func evaluationModeDrawsNothing() {
        let source = DropoutSource(seed: 1)
        let dropout = Dropout(0.5, source: source)
        dropout.eval()
        let x = Tensor.randn([16], seed: 2)
        #expect(dropout(x).scalars == x.scalars)
        #expect(source.generator.state == DropoutSource(seed: 1).generator.state)
    }

    @Test func transformerLayerDrawsFromTheSourceItIsGiven() {
        var generator = SplitMix64(seed: 1)
        let source = DropoutSource(seed: 7)
        let layer = TransformerEncoderLayer(dimensions: 8, heads: 2, feedForward: 16, dropout: 0.5,
                                            source: source, generator: &generator)
        let x = Tensor.randn([2, 3, 8], seed: 2)
        let saved = source.generator
        let y = layer(x).scalars
        #expect(source.generator.state != saved.state)
        source.generator = saved
        #expect(layer(x).scalars == y)
    }

    @Test func sharingASourceLeavesTheWeightsAsTheyWere() {
        var g1 = SplitMix64(seed: 1), g2 = SplitMix64(seed: 1)
        let own = TransformerEncoderLayer(dimensions: 8, heads: 2, feedForward: 16, generator: &g1)
        let shared = TransformerEncoderLayer(dimensions: 8, heads: 2, feedForward: 16, source: DropoutSource(seed: 9),
                                             generator: &g2)
        #expect(own.stateDict() == shared.stateDict())
        #expect(g1.state == g2.state)
    }
}
