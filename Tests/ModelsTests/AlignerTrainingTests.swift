import Foundation
import Testing
import Text
@testable import Models

/// Training with learned durations: the model's aligner replaces the corpus's durations.
@Suite struct AlignerTrainingTests {
    /// The synthetic utterances with their durations withheld (kept as the truth).
    static func withheld(_ items: [Utterance]) -> [Utterance] {
        items.map { u in
            var u = u
            u.trueDurations = u.durations
            u.durations = nil
            return u
        }
    }

    let train = withheld(SyntheticSpeech.utterances(6))
    let validation = withheld(SyntheticSpeech.utterances(2, seed: 99))

    static func model(seed: UInt64 = 1, binarizationStart: Int = 3) -> FusionTTS {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.aligner = AlignerConfig(binarizationStart: binarizationStart, binarizationRamp: 2, attentionDim: 8)
        return FusionTTS(config, seed: seed)
    }

    @Test func theAlignerIsPartOfTheModelAndItsCheckpoint() throws {
        let model = Self.model()
        let names = model.namedParameters().map(\.name)
        #expect(names.contains("aligner.encoder.key_proj.0.conv.weight"))
        #expect(names.contains("aligner.encoder.query_proj.4.conv.weight"))
        let restored = try Checkpoint(decoding: try Checkpoint(model).encoded()).makeModel()
        #expect(restored.config.aligner == model.config.aligner)
        #expect(restored.aligner != nil)
        // Without an aligner the other weights are those of the same seed.
        let plain = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1).stateDict()
        let withAligner = model.stateDict()
        #expect(plain.keys.allSatisfy { withAligner[$0] == plain[$0] })
    }

    /// A few steps: the loss (with forward-sum and, from step 3, binarization) falls, every
    /// step's durations sum to the frames, validation measures the aligner.
    @Test func trainsAndTheLossFalls() throws {
        var config = TrainConfig.tiny(steps: 12)
        config.batchSize = 3
        config.lr = 1e-2
        let trainer = try Trainer(model: Self.model(), config: config, train: train, validation: validation)
        let recorder = AlignmentRecorder()
        try trainer.run(observer: recorder)
        #expect(recorder.losses.last! < recorder.losses.first!, "\(recorder.losses)")
        #expect(recorder.terms.first!.keys.contains("forward_sum"))
        #expect(!recorder.terms.first!.keys.contains("binarization"))
        #expect(recorder.terms.last!.keys.contains("binarization"))
        let metrics = try trainer.validate()
        for key in ["val_forward_sum", "val_diagonality", "val_boundary_error_median_ms", "val_boundary_error_mean_ms"] {
            #expect(metrics[key].map { $0.isFinite } == true, "\(key): \(metrics)")
        }
        #expect((0...1).contains(metrics["val_diagonality"]!))
        let learned = try Trainer.learnedDurations(trainer.model, validation, batchSize: 2)
        #expect(learned.map { $0.reduce(0, +) } == validation.map(\.mel.frames))
        #expect(learned.map(\.count) == validation.map(\.tokens.count))
        // Word boundaries take no time (SpokenTokens); every other token gets a frame at least.
        for (u, durations) in zip(validation, learned) {
            for (token, d) in zip(u.tokens, durations) {
                #expect(token == SymbolVocabulary.wordBoundaryID ? d == 0 : d >= 1, "\(u.id): \(durations)")
            }
        }
        #expect(validation.contains { $0.tokens.contains(SymbolVocabulary.wordBoundaryID) })
        // At every validation: three (here two) fixed utterances' attention and path.
        #expect(recorder.alignments.map(\.step) == [3, 6, 9, 12])
        let example = try #require(recorder.alignments.last?.examples.first)
        #expect(example.id == validation[0].id)
        #expect(example.softAttention.count == example.frames * example.phonemes)
        #expect(example.durations.reduce(0, +) == example.frames)
    }

    /// Resuming from the step-4 checkpoint (binarization ramping from step 3) gives exactly
    /// the losses of the uninterrupted run.
    @Test func resumeMatchesAnUninterruptedRun() throws {
        let config = TrainConfig.tiny(steps: 8)
        let trainer = try Trainer(model: Self.model(), config: config, train: train, validation: validation)
        let full = Recorder()
        try trainer.run(observer: full)
        let checkpoint = try Checkpoint(decoding: try #require(full.checkpoints.first { $0.step == 4 }).bytes)
        let resumed = try Trainer(resuming: checkpoint, train: train, validation: validation)
        let recorder = Recorder()
        try resumed.run(observer: recorder)
        #expect(recorder.losses == Array(full.losses[4...]))
    }

    @Test func utterancesWithoutDurationsNeedAnAligner() throws {
        let error = try #require(throws: ModelError.self) {
            try Trainer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1), config: .tiny(),
                        train: train, validation: validation)
        }
        #expect(error.description.contains("has no phoneme durations and the model has no aligner"))
        #expect(error.description.contains("data.durations: learned"))
    }

    @Test func tooFewFramesIsRefusedWithTheUtterance() throws {
        var items = train
        items[2].mel = LogMel(frames: 2, bands: 16, values: Array(items[2].mel.values.prefix(32)))
        let error = try #require(throws: ModelError.self) {
            try Trainer(model: Self.model(), config: .tiny(), train: items, validation: [])
        }
        #expect(error.description.contains("utterance \(items[2].id) has 2 mel frames"))
    }

    /// Evaluation teacher-forces with the aligner's durations when the utterance has none.
    @Test func evaluationUsesTheAlignersDurations() throws {
        let result = try Self.model().evaluate(validation)
        #expect(result.melL1.isFinite && result.durationErrorMs.isFinite && result.mcdTeacherForced.isFinite)
    }
}

final class AlignmentRecorder: TrainingObserver {
    var losses: [Double] = []
    var terms: [[String: Double]] = []
    var alignments: [(step: Int, examples: [AlignmentExample])] = []
    func trainerDidStep(_ report: StepReport) {
        losses.append(report.losses["loss"]!)
        terms.append(report.losses)
    }
    func trainerDidAlign(step: Int, examples: [AlignmentExample]) { alignments.append((step, examples)) }
}
