import Testing
@testable import Models

/// One small module per fusion kind, with the parameter names checkpoints already use.
@Suite struct FusionTests {
    @Test(arguments: [
        (FusionConfig.Kind.attentionPool, ["audio_proj.bias", "audio_proj.weight", "out_proj.bias", "out_proj.weight",
                                           "score.weight", "text_proj.weight"]),
        (.crossAttention, ["attention.in_proj_bias", "attention.in_proj_weight", "attention.out_proj.bias",
                           "attention.out_proj.weight", "norm.bias", "norm.weight"]),
        (.concat, ["proj.bias", "proj.weight"]),
        (.film, ["proj.bias", "proj.weight"]),
    ])
    func parameterNamesAreTheCheckpoints(_ kind: FusionConfig.Kind, _ names: [String]) {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols, fusion: kind), seed: 1)
        #expect(model.fusion.namedParameters().map(\.name).sorted() == names)
        #expect(Set(model.stateDict().keys).isSuperset(of: names.map { "fusion." + $0 }))
    }

    /// `cross_attention`'s map is its attention's own weights, averaged over heads.
    @Test func crossAttentionMapIsTheAttentionsWeights() throws {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols, fusion: .crossAttention), seed: 1)
        let batch = model.batch(SyntheticSpeech.utterances(2))
        let output = model.inEvaluation { model(batch, teacherForced: true, attention: true) }
        let map = try #require(output.attention)
        #expect(map.shape == [2, batch.tokenCount, batch.reference.shape[1]])
        let rows = map.sum(axes: [2]).scalars
        #expect(rows.allSatisfy { abs($0 - 1) < 1e-5 })
    }
}
