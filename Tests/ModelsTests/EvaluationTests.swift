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
        #expect(after.mcdTeacherForced < before.mcdTeacherForced, "MCD \(before.mcdTeacherForced) → \(after.mcdTeacherForced) dB")
        #expect(after.mcd.isFinite && after.durationErrorMs.isFinite && after.totalDurationErrorMs >= 0)
        #expect(Set(after.metrics(prefix: "eval/").keys) == ["eval/mel_l1", "eval/spectral_convergence", "eval/mcd",
                                                             "eval/mcd_teacher_forced", "eval/duration_error_ms",
                                                             "eval/total_duration_error_ms"])
    }

    /// Through a vocoder: the waveform measures appear, the vocoder alone is closer to the
    /// target than an untrained model through it, and a recording gives the F0 measures.
    @Test func aVocoderAddsTheWaveformMeasures() throws {
        let heldOut = SyntheticSpeech.utterances(2, seed: 42)
        let model = FusionTTS(ModelConfig.tiny(symbols: SyntheticSpeech.symbols), seed: 1)
        let vocoder = try GriffinLimVocoder(features: model.config.features, config: VocoderConfig(iterations: 4, momentum: 0.99))
        let result = try model.evaluate(heldOut, vocoder: vocoder.callAsFunction, recording: { try? vocoder($0.mel) })
        let floor = try #require(result.mcdVocoderFloor), vocoded = try #require(result.mcdVocoded)
        #expect(floor < vocoded, "vocoder alone \(floor) dB, untrained model through it \(vocoded) dB")
        let vuv = try #require(result.voicingError)
        #expect(vuv >= 0 && vuv <= 1)
        #expect(result.metrics().keys.contains("mcd_vocoder_floor") && result.metrics().keys.contains("vuv_error"))
        // The recording here is the vocoder's own rendering of the true mel, so the vocoder
        // alone voices every frame the recording voices.
        #expect(result.voicingF1VocoderFloor == 1, "\(String(describing: result.voicingF1VocoderFloor))")
    }

    /// Each voice's figures are those of its utterances scored alone, and the whole is the
    /// mean of the utterances (not of the voices) when the voices have unequal shares.
    @Test func eachVoiceIsScoredOnItsOwn() throws {
        let heldOut = SyntheticSpeech.utterances(5, seed: 42)   // speakers 0, 1, 0, 1, 0
        let model = FusionTTS(ModelConfig.tiny(symbols: SyntheticSpeech.symbols), seed: 1)
        let vocoder = try GriffinLimVocoder(features: model.config.features, config: VocoderConfig(iterations: 2, momentum: 0.99))
        let result = try model.evaluate(heldOut, vocoder: vocoder.callAsFunction, recording: { try? vocoder($0.mel) })
        let speakers = Set(heldOut.map(\.speaker))
        #expect(Set(result.voices.keys) == speakers && speakers.count == 2)
        for speaker in speakers {
            let alone = try model.evaluate(heldOut.filter { $0.speaker == speaker }, vocoder: vocoder.callAsFunction,
                                           recording: { try? vocoder($0.mel) })
            #expect(alone.voices.keys.sorted() == [speaker])
            #expect(result.voices[speaker] == alone.voices[speaker] && result.voices[speaker]?.voices.isEmpty == true, "voice \(speaker)")
            #expect(result.voices[speaker]?.mcd == alone.mcd && result.voices[speaker]?.f0RMSEHz == alone.f0RMSEHz)
        }
        let mean = result.voices.values.map { (voice: EvaluationResult) in voice.mcd * Double(voice.utterances) }.reduce(0, +) / 5
        #expect(abs(result.mcd - mean) < 1e-9 && result.utterances == 5)
    }
}

/// The reference encoder's global embedding: one vector of the model's width per reference,
/// the same for the same reference, different for another voice.
@Test func voiceEmbeddingsTellSpeakersApart() throws {
    let utterances = SyntheticSpeech.utterances(4)
    let model = FusionTTS(ModelConfig.tiny(symbols: SyntheticSpeech.symbols), seed: 1)
    let a = try model.voiceEmbedding(utterances[0].reference), again = try model.voiceEmbedding(utterances[0].reference)
    let other = try #require(utterances.first { $0.speaker != utterances[0].speaker })
    let b = try model.voiceEmbedding(other.reference)
    #expect(a.count == model.config.dim && a == again)
    #expect(zip(a, b).contains { abs($0 - $1) > 1e-4 })
    #expect(throws: ModelError.self) { try model.voiceEmbedding(LogMel(frames: 2, bands: 3, values: Array(repeating: 0, count: 6))) }
}
