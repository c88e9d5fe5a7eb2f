import Testing
import Tensor
@testable import Models

@Suite struct ModelShapeTests {
    let items = SyntheticSpeech.utterances(3)

    @Test(arguments: FusionConfig.Kind.allCases)
    func outputShapesForEachFusion(kind: FusionConfig.Kind) {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols, fusion: kind), seed: 1)
        let batch = Batch(items, nMels: 16, wordFeatureDim: nil)
        let out = model(batch, teacherForced: true, attention: true)
        #expect(out.mel.shape == [3, batch.frameCount, 16])
        #expect(out.logDurations.shape == [3, batch.tokenCount, 1])
        switch kind {
        case .attentionPool, .crossAttention:
            let map = try! #require(out.attention)
            #expect(map.shape == [3, batch.tokenCount, batch.reference.shape[1]])
            let rowSums = map.sum(axes: [2]).scalars
            #expect(rowSums.allSatisfy { abs($0 - 1) < 1e-4 })
        case .concat, .film:
            #expect(out.attention == nil)
        }
    }

    @Test func everyOptionBuildsAndRuns() {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.audioEncoder = AudioEncoderConfig(kind: .gru, layers: 2)
        config.decoder = DecoderConfig(kind: .transformer, layers: 2, postnet: true, pitch: true, energy: true, harmonics: true)
        config.wordFeatureDim = 4
        let model = FusionTTS(config, seed: 1)
        let batch = Batch(SyntheticSpeech.utterances(2, wordFeatureDim: 4), nMels: 16, wordFeatureDim: 4)
        let out = model(batch, teacherForced: true)
        #expect(out.postnetMel?.shape == out.mel.shape)
        #expect(out.pitch?.shape == [2, batch.frameCount, 1])
        #expect(out.energy?.shape == [2, batch.frameCount, 1])
        #expect(model.namedParameters().contains { $0.name == "text_encoder.word_proj.weight" })
        #expect(model.namedParameters().contains { $0.name == "variance_adaptor.harmonic_embedding.weight" })
    }

    @Test func paddingDoesNotChangeAnUtterancesOutput() {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 3)
        model.eval()
        let alone = model(Batch([items[0]], nMels: 16, wordFeatureDim: nil), teacherForced: true).mel
        let padded = model(Batch(items, nMels: 16, wordFeatureDim: nil), teacherForced: true).mel
        let frames = items[0].mel.frames
        let a = alone.scalars, p = padded.slice(axis: 0, 0..<1).slice(axis: 1, 0..<frames).scalars
        #expect(zip(a, p).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test func lengthRegulationUsesPredictedDurationsAtInference() throws {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1)
        let u = items[0]
        let result = try model.infer(tokens: u.tokens, reference: u.reference)
        #expect(result.durations.count == u.tokens.count)
        #expect(result.mel.frames == result.durations.reduce(0, +))
        #expect(result.durations.allSatisfy { $0 >= 1 })
        #expect(result.attention?.tokens == u.tokens.count)
    }

    /// Sentences spoken in one voice as one batch (the voice encoded once) come out as each
    /// would alone: the same durations, the same mel up to rounding, their own attention rows.
    @Test func batchedInferenceInOneVoiceEqualsOneAtATime() throws {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1)
        let reference = items[0].reference
        let voice = try model.encodeVoice(reference)
        let inputs = items.prefix(3).map { SpokenInput(tokens: $0.tokens) }
        let batched = try model.infer(Array(inputs), voice: voice)
        #expect(batched.count == 3)
        for (input, together) in zip(inputs, batched) {
            let alone = try model.infer(tokens: input.tokens, reference: reference)
            #expect(together.durations == alone.durations)
            #expect(together.mel.frames == alone.mel.frames)
            #expect(zip(together.mel.values, alone.mel.values).allSatisfy { abs($0 - $1) < 1e-4 })
            #expect(together.attention?.tokens == input.tokens.count && together.attention?.frames == reference.frames)
            #expect(zip(together.attention?.values ?? [], alone.attention?.values ?? []).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        #expect(Set(items.prefix(3).map(\.tokens.count)).count > 1, "the test needs sentences of different lengths")
    }
}
