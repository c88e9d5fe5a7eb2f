import Testing
import Tensor
@testable import Models

@Suite struct GradientFlowTests {
    /// Every parameter of every part gets a nonzero gradient from the training loss.
    @Test(arguments: FusionConfig.Kind.allCases)
    func everyParameterLearns(kind: FusionConfig.Kind) throws {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols, fusion: kind)
        config.decoder = DecoderConfig(kind: .conv, layers: 1, postnet: true, pitch: true, energy: true, harmonics: true,
                                       voicing: true, relativePitch: true)
        config.wordFeatureDim = 3
        let model = FusionTTS(config, seed: 2)
        let trainer = try Trainer(model: model, config: .tiny(), train: SyntheticSpeech.utterances(4, wordFeatureDim: 3),
                                  validation: [])
        let batch = Batch(SyntheticSpeech.utterances(3, wordFeatureDim: 3), nMels: 16, wordFeatureDim: 3)
        let (loss, parts) = try trainer.losses(batch)
        #expect(Set(parts.keys) == ["loss", "mel", "postnet", "duration", "pitch", "voicing", "energy"])
        loss.backward()
        let silent = model.namedParameters().filter { p in
            guard let g = p.tensor.grad else { return true }
            return g.scalars.allSatisfy { $0 == 0 }
        }.map(\.name)
        #expect(silent.isEmpty, "no gradient reaches \(silent)")
    }

    @Test func gruEncoderAndTransformerDecoderLearn() throws {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.audioEncoder = AudioEncoderConfig(kind: .gru, layers: 1)
        config.decoder = DecoderConfig(kind: .transformer, layers: 1, postnet: false, pitch: false, energy: false)
        let model = FusionTTS(config, seed: 2)
        let trainer = try Trainer(model: model, config: .tiny(), train: SyntheticSpeech.utterances(2), validation: [])
        try trainer.losses(Batch(SyntheticSpeech.utterances(2), nMels: 16, wordFeatureDim: nil)).0.backward()
        let silent = model.namedParameters().filter { $0.tensor.grad?.scalars.contains { $0 != 0 } != true }.map(\.name)
        #expect(silent.isEmpty, "no gradient reaches \(silent)")
    }
}
