import Foundation
import Testing
@testable import Models

/// Gradient accumulation is the single-process side of data-parallel training: rank r of N
/// computes micro-batch r of the N a one-process run with `micro_batches: N` computes (the
/// 2-rank run itself is CLITests' `MPITrainingTests`).
@Suite struct MicroBatchTests {
    let train = SyntheticSpeech.utterances(6)

    func trainer(microBatches: Int, dropout: Double = 0, steps: Int = 3) throws -> Trainer {
        var model = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        model.textEncoder.dropout = dropout
        var config = TrainConfig.tiny(steps: steps)
        config.batchSize = 4
        config.microBatches = microBatches
        return try Trainer(model: FusionTTS(model, seed: 2), config: config, train: train, validation: [])
    }

    /// Each micro-batch's loss is weighted by its share of the batch's frames and tokens, so
    /// the first step (same weights) reports the whole batch's loss and gradient norm, up to rounding.
    @Test func microBatchesComputeTheWholeBatchesLoss() throws {
        let whole = try trainer(microBatches: 1).trainStep(), parts = try trainer(microBatches: 2).trainStep()
        #expect(Set(whole.losses.keys) == Set(parts.losses.keys))
        for (key, value) in whole.losses {
            #expect(abs(parts.losses[key]! - value) <= 1e-5 * abs(value), "\(key): \(parts.losses[key]!) vs \(value)")
        }
        #expect(abs(parts.gradientNorm - whole.gradientNorm) <= 1e-4 * whole.gradientNorm)
    }

    /// With dropout on, micro-batches draw from streams split from the step's generator:
    /// the run is as reproducible as ever, and resumes exactly from a checkpoint.
    @Test func microBatchesWithDropoutAreReproducibleAndResume() throws {
        let run = { () throws -> (Recorder, Trainer) in
            let t = try self.trainer(microBatches: 2, dropout: 0.3, steps: 6)
            let recorder = Recorder()
            try t.run(observer: recorder)
            return (recorder, t)
        }
        let (a, _) = try run(), (b, _) = try run()
        #expect(a.losses == b.losses)
        let checkpoint = try Checkpoint(decoding: try #require(a.checkpoints.first { $0.step == 4 }).bytes)
        let resumed = try Trainer(resuming: checkpoint, train: train, validation: [])
        let recorder = Recorder()
        try resumed.run(observer: recorder)
        #expect(recorder.losses == Array(a.losses[4...]))
    }

    @Test func aBatchTooSmallToShareIsAnError() throws {
        let error = try #require(throws: ModelError.self) { try trainer(microBatches: 5) }
        #expect(error.description.contains("cannot be shared by 1 rank(s) × train.micro_batches 5"))
    }
}
