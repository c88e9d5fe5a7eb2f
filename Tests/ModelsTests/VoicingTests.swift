import Testing
import Tensor
@testable import Models

@Suite struct VoicingTests {
    /// With `decoder.voicing` the model learns where the voice sounds as a class of its own:
    /// the synthetic voice is voiced on odd tokens only, which the logits come to follow.
    @Test func theVoicingPredictorLearnsWhereTheVoiceSounds() throws {
        let train = SyntheticSpeech.utterances(8)
        var modelConfig = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        modelConfig.textEncoder.dropout = 0
        modelConfig.decoder = DecoderConfig(kind: .conv, layers: 1, postnet: false, pitch: true, energy: false,
                                            harmonics: true, voicing: true)
        let model = FusionTTS(modelConfig, seed: 1)
        let batch = Batch(train, nMels: 16, wordFeatureDim: nil)
        func accuracy() throws -> Float {
            let out = model.inEvaluation { model(batch, teacherForced: true) }
            let logits = try #require(out.voicing).scalars, target = batch.voicing.scalars
            let mask = batch.frameMask.scalars
            let right = mask.indices.filter { mask[$0] > 0 && (logits[$0] > 0) == (target[$0] > 0) }.count
            return Float(right) / mask.reduce(0, +)
        }
        let before = try accuracy()
        var config = TrainConfig.tiny(steps: 40)
        config.batchSize = 4
        config.lr = 1e-2
        try Trainer(model: model, config: config, train: train, validation: []).run()
        let after = try accuracy()
        #expect(after > 0.9 && after > before, "voicing accuracy \(before) → \(after)")
    }
}
