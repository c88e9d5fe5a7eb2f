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

    /// With `decoder.relative_pitch` the predicted pitch is the predictor's output plus each
    /// reference's level, at the valid frames only; the voice encoded once carries the same
    /// level as the batch's reference, so synthesis and evaluation agree.
    @Test func relativePitchAddsTheReferencesLevel() throws {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.decoder = DecoderConfig(kind: .conv, layers: 1, postnet: false, pitch: true, energy: false,
                                       harmonics: true, voicing: true, relativePitch: true)
        let model = FusionTTS(config, seed: 1)
        model.eval()
        let items = SyntheticSpeech.utterances(2)
        let batch = Batch(items, nMels: 16, wordFeatureDim: nil)
        let h = Tensor.randn([2, batch.frameCount, config.dim], seed: 3)
        let sieve = try #require(model.varianceAdaptor.referencePitch)
        let levels = sieve.levels(batch.reference, mask: batch.referenceMask)
        #expect(levels.scalars == items.map { sieve($0.reference) })
        let plain = try #require(model.varianceAdaptor.addVariances(h, frameMask: batch.frameMask, targets: nil).pitch).scalars
        let raised = try #require(model.varianceAdaptor.addVariances(h, frameMask: batch.frameMask, targets: nil,
                                                                     pitchLevels: levels).pitch).scalars
        let mask = batch.frameMask.scalars
        for i in mask.indices {
            let expected = mask[i] > 0 ? plain[i] + levels.scalars[i / batch.frameCount] : 0
            #expect(abs(raised[i] - expected) < 1e-5)
        }
        #expect(try model.encodeVoice(items[1].reference).pitchLevel == levels.scalars[1])
    }
}
