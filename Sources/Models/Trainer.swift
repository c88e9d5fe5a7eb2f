import Data
import Foundation
import NN
import Tensor

/// Trains a ``FusionTTS`` on utterances:
///
/// ```
/// loss = mel(ŷ, y) [+ mel(ŷ_post, y)] + w·(MSE(log d̂, ln(d+1)) [+ MSE(pitch) + MSE(energy)])
/// ```
/// with `mel` the masked L1 (or MSE) over valid frames, `w` = `train.duration_weight`,
/// ground-truth durations for length regulation. With a learned aligner (``FusionTTS/aligner``)
/// the durations are its MAS durations of each batch, and the loss gains
/// `forward_sum_weight · L_fs + w_bin(step) · L_bin` (``AlignerConfig``). Adam or AdamW with the configured
/// schedule and gradient clipping; a fine-tuned BERT (`bert.*`) learns at
/// ``TrainConfig/bertLRScale`` times the rate of the rest.
///
/// Reproducible: for a seed and a thread count the losses are the same on every run, and a
/// run resumed from a checkpoint continues with exactly the losses of an uninterrupted one
/// (the batch of step `s` is a function of the seed and `s`; the checkpoint holds weights,
/// optimizer state, step and the dropout generator).
public final class Trainer {
    public let model: FusionTTS
    public let config: TrainConfig
    public let optimizer: Adam
    let schedule: any LearningRateSchedule
    var batches: BatchOrder
    let validation: [Utterance]
    /// Optimizer steps completed.
    public private(set) var step = 0
    /// The last finite training loss (for the divergence message).
    public private(set) var lastLoss: Double?

    /// A trainer for `model` (freshly initialised, or loaded) from step 0.
    public init(model: FusionTTS, config: TrainConfig, train: [Utterance], validation: [Utterance]) throws {
        guard !train.isEmpty else { throw ModelError("training needs at least one utterance") }
        guard config.steps > 0, config.batchSize > 0, config.threads > 0 else {
            throw ModelError("train.steps, train.batch_size and train.threads must be positive (got \(config.steps), \(config.batchSize), \(config.threads))")
        }
        for u in train + validation {
            try model.check(u)
            if u.durations == nil {
                guard model.aligner != nil else {
                    throw ModelError("utterance \(u.id) has no phoneme durations and the model has no aligner to learn them (data.durations: learned)")
                }
                guard u.mel.frames >= u.tokens.count else {
                    throw ModelError("utterance \(u.id) has \(u.mel.frames) mel frames for \(u.tokens.count) phonemes; the aligner gives every phoneme a frame: leave it out")
                }
            }
        }
        self.model = model
        self.config = config
        Parallel.threadCount = config.threads
        let parameters = model.namedParameters()
        optimizer = switch config.optimizer {
        case .adam: Adam(parameters, learningRate: Float(config.lr), weightDecay: Float(config.weightDecay))
        case .adamw: AdamW(parameters, learningRate: Float(config.lr), weightDecay: Float(config.weightDecay))
        }
        schedule = switch config.schedule {
        case .constant: ConstantSchedule(Float(config.lr))
        case .warmupCosine: WarmupCosineSchedule(peak: Float(config.lr), warmupSteps: min(config.warmup, config.steps - 1),
                                                 totalSteps: config.steps)
        case .noam: NoamSchedule(modelDimensions: model.config.dim, warmupSteps: max(1, config.warmup), factor: Float(config.lr))
        }
        batches = BatchOrder(items: train, batchSize: config.batchSize, seed: config.seed)
        self.validation = validation
        if let scale = config.bertLRScale { optimizer.scaleLearningRate(Float(scale), forNamesWithPrefix: "bert.") }
    }

    /// A trainer continuing from `checkpoint` (its model configuration, weights, optimizer
    /// state, step and dropout state); `config` defaults to the checkpoint's.
    public convenience init(resuming checkpoint: Checkpoint, config: TrainConfig? = nil,
                            train: [Utterance], validation: [Utterance]) throws {
        guard let config = config ?? checkpoint.trainConfig else {
            throw ModelError("the checkpoint has no training configuration; pass one to resume")
        }
        let model = try checkpoint.makeModel()
        try self.init(model: model, config: config, train: train, validation: validation)
        try optimizer.load(stateDict: checkpoint.optimizer, metadata: checkpoint.optimizerMetadata)
        step = checkpoint.step
    }

    /// Trains until `train.steps` (or until the observer asks to stop), validating and
    /// checkpointing on schedule. Throws ``TrainingError`` if the loss stops being finite.
    @discardableResult
    public func run(observer: (any TrainingObserver)? = nil) throws -> TrainingOutcome {
        while step < config.steps {
            let report = try trainStep()
            observer?.trainerDidStep(report)
            let last = step == config.steps
            if step % config.validateEvery == 0 || last, !validation.isEmpty {
                let metrics = try validate()
                if let observer, model.aligner != nil {  // before the metrics, whose observer may write the page
                    observer.trainerDidAlign(step: step, examples: try Trainer.alignmentExamples(model, validation))
                }
                observer?.trainerDidValidate(step: step, metrics: metrics)
            }
            let stop = observer?.shouldStop ?? false
            if step % config.checkpointEvery == 0 || last || stop {
                observer?.trainerDidCheckpoint(step: step, bytes: try checkpoint().encoded())
            }
            if stop && !last { return .stopped(step: step) }
        }
        return .finished(step: step)
    }

    /// One optimizer step on the next batch.
    public func trainStep() throws -> StepReport {
        let start = Date()
        let items = batches.batch(at: step)
        let batch = model.batch(items)
        model.train()
        optimizer.zeroGrad()
        let lr = schedule(step)
        optimizer.learningRate = lr
        let (total, parts): (Tensor, [String: Double])
        do {
            (total, parts) = try losses(batch)
        } catch let error as TensorError {
            throw TrainingError(step: step + 1, lastFiniteLoss: lastLoss, detail: error.description)
        }
        total.backward()
        let norm: Float
        do {
            norm = config.clip > 0 ? try clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: Float(config.clip))
                                   : try clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: .infinity)
        } catch let error as TensorError {
            throw TrainingError(step: step + 1, lastFiniteLoss: lastLoss, detail: error.description)
        }
        optimizer.step()
        step += 1
        lastLoss = parts["loss"]
        return StepReport(step: step, totalSteps: config.steps, losses: parts, learningRate: Double(lr),
                          gradientNorm: Double(norm),
                          utterancesPerSecond: Double(items.count) / max(Date().timeIntervalSince(start), 1e-9))
    }

    /// The weighted total and its parts (as numbers) on a teacher-forced pass over `batch`.
    func losses(_ batch: Batch) throws -> (Tensor, [String: Double]) {
        var batch = batch
        var parts: [String: Tensor] = [:], alignmentLosses: [String: Tensor] = [:]
        if let aligner = model.config.aligner {
            let weight = aligner.binarization.weight(atStep: step)
            let alignment = try model.align(batch, binarizationWeight: weight)
            batch = batch.settingDurations(alignment.durations)
            alignmentLosses["forward_sum"] = alignment.forwardSumLoss
            parts["forward_sum"] = alignment.forwardSumLoss * Float(aligner.forwardSumWeight)
            if let binarization = alignment.binarizationLoss {
                alignmentLosses["binarization"] = binarization
                parts["binarization"] = binarization * weight
            }
        }
        let out = model(batch, teacherForced: true)
        let melLoss = { (p: Tensor) throws -> Tensor in
            self.config.loss == .l1 ? try maskedL1Loss(p, batch.mel, mask: batch.frameMask)
                                    : try maskedMSELoss(p, batch.mel, mask: batch.frameMask)
        }
        let w = Float(config.durationWeight)
        parts["mel"] = try melLoss(out.mel)
        if let post = out.postnetMel { parts["postnet"] = try melLoss(post) }
        parts["duration"] = try maskedMSELoss(out.logDurations, batch.logDurations!, mask: batch.tokenMask) * w
        if let pitch = out.pitch { parts["pitch"] = try maskedMSELoss(pitch, batch.pitch, mask: batch.frameMask) * w }
        if let energy = out.energy { parts["energy"] = try maskedMSELoss(energy, batch.energy, mask: batch.frameMask) * w }
        let total = parts.keys.sorted().map { parts[$0]! }.reduce(Tensor(scalar: 0), +)
        try total.checkFinite("total loss")
        var values = parts.mapValues { Double($0.item()) }
        // The aligner's losses as they are: their weights ramp, so weighted curves would show the schedule.
        for (key, loss) in alignmentLosses { values[key] = Double(loss.item()) }
        values["loss"] = Double(total.item())
        return (total, values)
    }

    /// Teacher-forced validation: `val_mel_l1` (final mel, masked L1, per utterance mean)
    /// and `val_duration` (MSE of log durations), averaged over the validation utterances.
    /// With an aligner, teacher forcing uses its durations, and it is measured too:
    /// `val_forward_sum`, `val_diagonality` and, when the utterances carry true durations,
    /// `val_boundary_error_median_ms` and `val_boundary_error_mean_ms` (``AlignmentQuality``).
    public func validate() throws -> [String: Double] {
        try Trainer.validate(model, validation, batchSize: config.batchSize)
    }

    static func validate(_ model: FusionTTS, _ items: [Utterance], batchSize: Int) throws -> [String: Double] {
        var mel = 0.0, duration = 0.0, forwardSum = 0.0
        var diagonality: [Double] = [], boundaryErrors: [Double] = []
        let features = model.config.features
        let msPerFrame = 1000 * Double(features.settings.hopLength) / Double(features.sampleRate)
        try model.inEvaluation {
            for start in stride(from: 0, to: items.count, by: batchSize) {
                let chunk = Array(items[start..<min(items.count, start + batchSize)])
                var batch = model.batch(chunk)
                if model.aligner != nil {
                    let alignment = try model.align(batch)
                    batch = batch.settingDurations(alignment.durations)
                    forwardSum += Double(alignment.forwardSumLoss.item()) * Double(chunk.count)
                    diagonality += try model.alignmentDiagonality(batch) ?? []
                    for (u, learned) in zip(chunk, alignment.durations) {
                        guard let truth = u.trueDurations else { continue }
                        boundaryErrors += AlignmentQuality.boundaryErrors(learned: learned, truth: truth)
                            .map { Double($0) * msPerFrame }
                    }
                }
                let out = model(batch, teacherForced: true)
                mel += Double(try maskedL1Loss(out.finalMel, batch.mel, mask: batch.frameMask).item()) * Double(chunk.count)
                duration += Double(try maskedMSELoss(out.logDurations, batch.logDurations!, mask: batch.tokenMask).item()) * Double(chunk.count)
            }
        }
        let n = Double(max(1, items.count))
        var metrics = ["val_mel_l1": mel / n, "val_duration": duration / n]
        if model.aligner != nil {
            metrics["val_forward_sum"] = forwardSum / n
            metrics["val_diagonality"] = diagonality.reduce(0, +) / Double(max(1, diagonality.count))
        }
        if let median = AlignmentQuality.median(boundaryErrors) {
            metrics["val_boundary_error_median_ms"] = median
            metrics["val_boundary_error_mean_ms"] = boundaryErrors.reduce(0, +) / Double(boundaryErrors.count)
        }
        return metrics
    }

    /// The aligner's soft attention and hard durations for the first `count` of `items`
    /// (fixed: the page shows the same utterances at every validation).
    static func alignmentExamples(_ model: FusionTTS, _ items: [Utterance], count: Int = 3) throws -> [AlignmentExample] {
        try model.inEvaluation {
            try items.prefix(count).map { u in
                let batch = model.batch([u])
                let alignment = try model.align(batch)
                // Over every token, the word boundaries the aligner leaves out as empty columns.
                let attention = SpokenTokens(batch).spreadColumns(alignment.softAttention.scalars, frames: u.mel.frames,
                                                                  fullWidth: u.tokens.count)
                return AlignmentExample(id: u.id, phonemes: u.tokens.count, frames: u.mel.frames,
                                        softAttention: attention,
                                        durations: alignment.durations[0], trueDurations: u.trueDurations)
            }
        }
    }

    /// The aligner's durations of `items` (in their order), `batchSize` at a time.
    public static func learnedDurations(_ model: FusionTTS, _ items: [Utterance], batchSize: Int) throws -> [[Int]] {
        try model.inEvaluation {
            try stride(from: 0, to: items.count, by: batchSize).flatMap { start in
                try model.align(model.batch(Array(items[start..<min(items.count, start + batchSize)]))).durations
            }
        }
    }

    /// The current state as a checkpoint (weights, optimizer, step, dropout state, configs).
    public func checkpoint() throws -> Checkpoint {
        let (arrays, metadata) = optimizer.stateDict()
        return Checkpoint(modelConfig: model.config, trainConfig: config, step: step,
                          dropoutState: model.dropoutSource.generator.state, model: model.stateDict(),
                          optimizer: arrays, optimizerMetadata: metadata)
    }
}

/// The loss stopped being finite: training stops at `step`, nothing more is written.
public struct TrainingError: Error, CustomStringConvertible {
    public let step: Int
    public let lastFiniteLoss: Double?
    public let detail: String
    public var description: String {
        "training diverged at step \(step): the loss is not finite (\(detail)); last finite loss "
            + (lastFiniteLoss.map { String(format: "%.6g", $0) } ?? "none (the first step failed)")
            + ". Lower train.lr, raise train.warmup or set train.clip."
    }
}

/// The batches, in an order fixed by the seed and the step: epoch `e` is Data's
/// length-bucketed batching of the training utterances with `(seed, e)` (full batches
/// only, unless there are fewer utterances than a batch), so batch `s` needs no state.
struct BatchOrder {
    let items: [Utterance]
    let batchSize: Int, seed: UInt64
    private let lengths: [Int]
    private var cache: (epoch: Int, batches: [[Int]])?

    init(items: [Utterance], batchSize: Int, seed: UInt64) {
        self.items = items
        self.batchSize = batchSize
        self.seed = seed
        lengths = items.map(\.mel.frames)
    }

    mutating func batch(at step: Int) -> [Utterance] {
        let perEpoch = max(1, items.count / batchSize)
        let (epoch, index) = step.quotientAndRemainder(dividingBy: perEpoch)
        if cache?.epoch != epoch {
            let batches = Batching.bucketedBatches(indices: Array(items.indices), lengths: lengths, batchSize: batchSize,
                                                   bucketWidth: 8, seed: seed, epoch: epoch,
                                                   dropLast: items.count >= batchSize)
            cache = (epoch, batches)
        }
        return cache!.batches[index].map { items[$0] }
    }
}
