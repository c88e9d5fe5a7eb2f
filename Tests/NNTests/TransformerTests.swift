import Testing
import Tensor
@testable import NN

@Suite struct TransformerTests {
    @Test(arguments: ["encoder_layer_post", "encoder_layer_pre"])
    func encoderLayerMatchesPyTorch(_ name: String) throws {
        let r = try Reference(name)
        var generator = SplitMix64(seed: 1)
        let layer = TransformerEncoderLayer(
            dimensions: try r.int("dimensions"), heads: try r.int("heads"), feedForward: try r.int("ffn"),
            dropout: 0, activation: try #require(Activation(rawValue: r.config["activation"] as? String ?? "")),
            normFirst: try #require(r.config["normFirst"] as? Bool), generator: &generator)
        #expect(Set(layer.stateDict().keys) == Set(r.stateDict.keys))
        try r.check(layer, inputs: ["x"]) { i in ["y": layer(i["x"]!, keyPaddingMask: i["key_padding_mask"]!)] }
    }

    @Test func dropoutActsOnlyInTrainingMode() {
        var generator = SplitMix64(seed: 1)
        let layer = TransformerEncoderLayer(dimensions: 8, heads: 2, feedForward: 16, dropout: 0.5, generator: &generator)
        let x = Tensor.randn([2, 3, 8], seed: 2)
        #expect(layer(x).scalars != layer(x).scalars)
        layer.eval()
        #expect(layer(x).scalars == layer(x).scalars)
    }
}
