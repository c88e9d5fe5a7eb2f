import Foundation
import Testing
@testable import Models

@Suite struct TrainerTests {
    let train = SyntheticSpeech.utterances(6)
    let validation = SyntheticSpeech.utterances(2, seed: 99)

    func run(_ config: TrainConfig, stopAfter: Int? = nil) throws -> Recorder {
        let trainer = try Trainer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: config.seed),
                                  config: config, train: train, validation: validation)
        let recorder = Recorder()
        recorder.stopAfter = stopAfter
        try trainer.run(observer: recorder)
        return recorder
    }

    @Test func sameSeedSameLosses() throws {
        let a = try run(.tiny(seed: 5)), b = try run(.tiny(seed: 5)), c = try run(.tiny(seed: 6))
        #expect(a.losses == b.losses)
        #expect(a.losses != c.losses)
    }

    @Test func validatesAndCheckpointsOnSchedule() throws {
        let r = try run(.tiny(steps: 6))           // validate every 3, checkpoint every 4
        #expect(r.losses.count == 6)
        #expect(r.validations == [3, 6])
        #expect(r.checkpoints.map(\.step) == [4, 6])
    }

    /// Resuming from the step-4 checkpoint gives exactly the losses of steps 5–8 of an
    /// uninterrupted run (dropout is on in the tiny model, so its generator must be restored).
    @Test func resumeMatchesAnUninterruptedRun() throws {
        let config = TrainConfig.tiny(steps: 8)
        let full = try run(config)
        let checkpoint = try Checkpoint(decoding: try #require(full.checkpoints.first { $0.step == 4 }).bytes)
        let resumed = try Trainer(resuming: checkpoint, train: train, validation: validation)
        #expect(resumed.step == 4)
        let recorder = Recorder()
        try resumed.run(observer: recorder)
        #expect(recorder.losses == Array(full.losses[4...]))
    }

    @Test func stopRequestCheckpointsAndStops() throws {
        let trainer = try Trainer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1),
                                  config: .tiny(steps: 6), train: train, validation: validation)
        let recorder = Recorder()
        recorder.stopAfter = 2
        #expect(try trainer.run(observer: recorder) == .stopped(step: 2))
        #expect(recorder.checkpoints.map(\.step) == [2])
    }

    /// A non-finite loss stops training with the step and the last finite loss. (A NaN in
    /// one target mel stands in for divergence: exploding weights would reach Tensor's exp
    /// with NaN, which traps in debug builds.)
    @Test func nonFiniteLossStopsWithStepAndLastFiniteLoss() throws {
        var items = train
        items[3].mel.values[5] = .nan
        var config = TrainConfig.tiny(steps: 12)
        config.batchSize = 1
        let trainer = try Trainer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1),
                                  config: config, train: items, validation: [])
        let recorder = Recorder()
        let error = try #require(throws: TrainingError.self) { try trainer.run(observer: recorder) }
        #expect(error.step == recorder.losses.count + 1)
        #expect(error.lastFiniteLoss == recorder.losses.last)
        #expect(error.description.contains("diverged at step \(error.step)"))
        #expect(recorder.checkpoints.allSatisfy { $0.step < error.step })
    }

    /// Each fusion kind fits a fixed tiny batch: the loss falls well below its start.
    @Test(arguments: FusionConfig.Kind.allCases)
    func eachFusionLowersTheLoss(kind: FusionConfig.Kind) throws {
        var model = ModelConfig.tiny(symbols: SyntheticSpeech.symbols, fusion: kind)
        model.textEncoder.dropout = 0
        var config = TrainConfig.tiny(steps: 40)
        config.batchSize = 4
        config.lr = 1e-2
        let trainer = try Trainer(model: FusionTTS(model, seed: 3), config: config,
                                  train: Array(train.prefix(4)), validation: [])
        let recorder = Recorder()
        try trainer.run(observer: recorder)
        #expect(recorder.losses.last! < 0.5 * recorder.losses.first!, "\(kind): \(recorder.losses.first!) → \(recorder.losses.last!)")
    }
}
