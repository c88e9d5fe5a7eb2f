import Testing
@testable import Models

@Suite struct EvaluationTests {
    @Test func trainingImprovesHeldOutScores() throws {
        let train = SyntheticSpeech.utterances(8), heldOut = SyntheticSpeech.utterances(2, seed: 42)
        var modelConfig = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        modelConfig.textEncoder.dropout = 0
        let model = FusionTTS(modelConfig, seed: 1)
        let before = try model.evaluate(heldOut)
        var config = TrainConfig.tiny(steps: 40)
        config.batchSize = 4
        config.lr = 1e-2
        try Trainer(model: model, config: config, train: train, validation: []).run()
        let after = try model.evaluate(heldOut)
        #expect(after.melL1 < 0.6 * before.melL1, "mel L1 \(before.melL1) → \(after.melL1)")
        #expect(after.spectralConvergence < before.spectralConvergence)
        #expect(after.mcd.isFinite && after.durationError.isFinite)
        #expect(Set(after.metrics(prefix: "eval/").keys).contains("eval/mcd"))
    }
}
