import Data
import Foundation
import NN
import Ranks
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
///
/// Data-parallel: every step's batch (`train.batch_size` utterances, the batch one process
/// would draw) is cut into `ranks × train.micro_batches` contiguous micro-batches
/// (``Sharding``); each rank computes the gradients of its own, they are summed in
/// ``GradientBuckets`` and over the ranks (``Communicator``), and every rank takes the same
/// optimizer step. Each micro-batch's loss is normalised by the *whole batch's* counts
/// (frames, tokens, utterances: ``LossShare``), so the summed gradient is the gradient of the
/// batch's loss as one process computes it, and `train.lr` means the same at any world size.
/// A single process is the world of one: the same code, with no MPI call.
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
    /// The ranks training this model together (``Communicator/single`` for one process).
    public let communicator: Communicator
    /// Micro-batches this rank computes each step (`train.micro_batches`).
    let microBatches: Int
    var buckets: GradientBuckets
    /// Each parameter's index in the optimizer's order, by tensor (for backward's `leafDone`).
    let parameterIndex: [ObjectIdentifier: Int]

    /// A trainer for `model` (freshly initialised, or loaded) from step 0. With several
    /// ranks, every rank's weights become rank 0's.
    public init(model: FusionTTS, config: TrainConfig, train: [Utterance], validation: [Utterance],
                communicator: Communicator = .single) throws {
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
        self.communicator = communicator
        microBatches = config.microBatches ?? 1
        let batch = min(config.batchSize, train.count), parts = communicator.size * microBatches
        guard microBatches > 0, batch >= parts else {
            throw ModelError("a batch of \(batch) utterances cannot be shared by \(communicator.size) rank(s) × train.micro_batches "
                + "\(microBatches): every micro-batch needs an utterance; raise train.batch_size or use fewer ranks or micro-batches")
        }
        buckets = GradientBuckets(counts: parameters.map(\.tensor.count))
        parameterIndex = Dictionary(uniqueKeysWithValues: optimizer.parameters.enumerated().map { (ObjectIdentifier($1.tensor), $0) })
        try buckets.broadcastValues(parameters.map(\.tensor), from: communicator)
    }

    /// A trainer continuing from `checkpoint` (its model configuration, weights, optimizer
    /// state, step and dropout state); `config` defaults to the checkpoint's.
    public convenience init(resuming checkpoint: Checkpoint, config: TrainConfig? = nil,
                            train: [Utterance], validation: [Utterance], communicator: Communicator = .single) throws {
        guard let config = config ?? checkpoint.trainConfig else {
            throw ModelError("the checkpoint has no training configuration; pass one to resume")
        }
        let model = try checkpoint.makeModel()
        try self.init(model: model, config: config, train: train, validation: validation, communicator: communicator)
        try optimizer.load(stateDict: checkpoint.optimizer, metadata: checkpoint.optimizerMetadata)
        step = checkpoint.step
    }

    /// Trains until `train.steps` (or until the observer asks to stop), validating and
    /// checkpointing on schedule. Throws ``TrainingError`` if the loss stops being finite.
    /// With several ranks, rank 0 alone validates and checkpoints (the weights are the same
    /// everywhere), and all stop together when any rank's observer asks to.
    @discardableResult
    public func run(observer: (any TrainingObserver)? = nil) throws -> TrainingOutcome {
        while step < config.steps {
            let report = try trainStep()
            observer?.trainerDidStep(report)
            let last = step == config.steps
            if step % config.validateEvery == 0 || last, !validation.isEmpty, communicator.isRoot {
                let metrics = try validate()
                if let observer, model.aligner != nil {  // before the metrics, whose observer may write the page
                    observer.trainerDidAlign(step: step, examples: try Trainer.alignmentExamples(model, validation))
                }
                observer?.trainerDidValidate(step: step, metrics: metrics)
            }
            let stop = try communicator.allreduceMax(observer?.shouldStop ?? false ? 1 : 0) > 0
            if step % config.checkpointEvery == 0 || last || stop, communicator.isRoot {
                observer?.trainerDidCheckpoint(step: step, bytes: try checkpoint().encoded())
            }
            if stop && !last { return .stopped(step: step) }
            #if DEBUG
            if communicator.size > 1, step % 50 == 0 || last { try checkRanksAgree() }
            #endif
        }
        return .finished(step: step)
    }

    /// Debug builds: every rank's weights must be bit for bit rank 0's (identical steps from
    /// identical gradients). A 48-bit fingerprint of the weights' bit patterns, as two floats
    /// that hold 24 bits each exactly, is compared through a max and a min over the ranks.
    func checkRanksAgree() throws {
        var hash: UInt64 = 0
        for p in optimizer.parameters {
            p.tensor.withUnsafeBufferPointer { values in
                for v in values { hash = (hash &* 0x100000001B3) ^ UInt64(v.bitPattern) }
            }
        }
        for part in [Float(hash & 0xFFFFFF), Float((hash >> 24) & 0xFFFFFF)] {
            let high = try communicator.allreduceMax(part), low = -(try communicator.allreduceMax(-part))
            guard high == low else {
                throw ModelError("step \(step): the ranks' weights differ (rank \(communicator.rank)); data-parallel steps lost their sync")
            }
        }
    }

    /// One optimizer step on the next batch: this rank's micro-batches of it, forward and
    /// backward one at a time, their gradients and losses summed over micro-batches and ranks.
    /// A loss that is not finite on any rank stops every rank at the same step.
    public func trainStep() throws -> StepReport {
        let start = Date()
        let items = batches.batch(at: step)
        let slices = Sharding.slices(count: items.count, parts: communicator.size * microBatches)
        guard slices.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError("step \(step + 1): a batch of \(items.count) utterances cannot be cut into \(slices.count) micro-batches")
        }
        model.train()
        let lr = schedule(step)
        optimizer.learningRate = lr
        let streams = dropoutStreams(count: slices.count)
        // Per part of the loss: its sum over micro-batches, then how many had it.
        let keys = Trainer.lossParts
        var sums = [Float](repeating: 0, count: 2 * keys.count)
        var failure: String?
        let mine = Sharding.microBatches(rank: communicator.rank, ranks: communicator.size, perRank: microBatches)
        var communication = 0.0
        for (j, k) in mine.enumerated() {
            let part = Array(items[slices[k]])
            if let streams { model.dropoutSource.generator = SplitMix64(seed: streams.seeds[k]) }
            optimizer.zeroGrad()
            // The last micro-batch's buckets start their allreduce as backward completes them.
            let reducing = j == mine.count - 1 ? communicator : nil
            buckets.beginMicroBatch(first: j == 0)
            var bucketError: (any Error)?
            do {
                let (total, values) = try losses(model.batch(part), share: LossShare(part, of: items))
                total.backward(leafDone: { leaf in
                    guard bucketError == nil, let i = self.parameterIndex[ObjectIdentifier(leaf)] else { return }
                    let started = Date()
                    do { try self.buckets.add(i, leaf.grad, reducingWith: reducing) } catch { bucketError = error }
                    if reducing != nil, self.communicator.size > 1 { communication += Date().timeIntervalSince(started) }
                })
                for (i, key) in keys.enumerated() {
                    guard let value = values[key] else { continue }
                    sums[i] += Float(value)
                    sums[keys.count + i] += 1
                }
            } catch let error as TensorError {
                failure = error.description
                sums[keys.firstIndex(of: "loss")!] = .nan
                sums[keys.count + keys.firstIndex(of: "loss")!] = 1
            }
            if let bucketError { throw bucketError }
            try buckets.addRest(reducingWith: reducing)
        }
        if let streams { model.dropoutSource.generator = streams.next }
        let waited = Date()
        try buckets.finishReductions(communicator)
        try communicator.allreduceSum(&sums)
        let communicationSeconds = communicator.size > 1 ? communication + Date().timeIntervalSince(waited) : 0
        var parts: [String: Double] = [:]
        for (i, key) in keys.enumerated() where sums[keys.count + i] > 0 { parts[key] = Double(sums[i]) }
        guard let loss = parts["loss"], loss.isFinite else {
            throw TrainingError(step: step + 1, lastFiniteLoss: lastLoss,
                                detail: failure ?? "the loss of another rank's share of the batch is not finite")
        }
        for (i, p) in optimizer.parameters.enumerated() { buckets.writeGradient(i, into: p.tensor) }
        let norm: Float
        do {
            norm = config.clip > 0 ? try clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: Float(config.clip))
                                   : try clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: .infinity)
        } catch let error as TensorError {
            throw TrainingError(step: step + 1, lastFiniteLoss: lastLoss, detail: error.description)
        }
        optimizer.step()
        step += 1
        lastLoss = loss
        return StepReport(step: step, totalSteps: config.steps, losses: parts, learningRate: Double(lr),
                          gradientNorm: Double(norm),
                          utterancesPerSecond: Double(items.count) / max(Date().timeIntervalSince(start), 1e-9),
                          communicationSeconds: communicationSeconds)
    }

    /// Every part ``losses(_:share:)`` may report, in the fixed order they are summed over ranks.
    static let lossParts = ["binarization", "duration", "energy", "forward_sum", "loss", "mel", "pitch", "postnet", "voicing"]

    /// Dropout with several micro-batches a step: micro-batch `k` draws from a generator
    /// seeded with the `k`-th number of the step's generator, which then moves on past those
    /// draws, so any rank starts any micro-batch's stream without running the others. With
    /// one micro-batch (nil), the step draws from the model's generator directly, as always.
    private func dropoutStreams(count: Int) -> (seeds: [UInt64], next: SplitMix64)? {
        guard count > 1 else { return nil }
        var generator = model.dropoutSource.generator
        let seeds = (0..<count).map { _ in generator.next() }
        return (seeds, generator)
    }

    /// The weighted total and its parts (as numbers) on a teacher-forced pass over `batch`,
    /// each scaled by the batch's `share` of the step's whole batch (1 when it is the whole).
    func losses(_ batch: Batch, share: LossShare = .whole) throws -> (Tensor, [String: Double]) {
        var batch = batch
        var parts: [String: Tensor] = [:], alignmentLosses: [String: Tensor] = [:]
        if let aligner = model.config.aligner {
            let weight = aligner.binarization.weight(atStep: step)
            let alignment = try model.align(batch, binarizationWeight: weight)
            batch = batch.settingDurations(alignment.durations)
            // Forward-sum: a mean over utterances; binarization: over frames.
            let forwardSum = share.scale(alignment.forwardSumLoss, by: share.utterances)
            alignmentLosses["forward_sum"] = forwardSum
            parts["forward_sum"] = forwardSum * Float(aligner.forwardSumWeight)
            if let binarization = alignment.binarizationLoss.map({ share.scale($0, by: share.frames) }) {
                alignmentLosses["binarization"] = binarization
                parts["binarization"] = binarization * weight
            }
        }
        let out = model(batch, teacherForced: true)
        let melLoss = { (p: Tensor) throws -> Tensor in
            share.scale(self.config.loss == .l1 ? try maskedL1Loss(p, batch.mel, mask: batch.frameMask)
                                                : try maskedMSELoss(p, batch.mel, mask: batch.frameMask), by: share.frames)
        }
        let w = Float(config.durationWeight)
        parts["mel"] = try melLoss(out.mel)
        if let post = out.postnetMel { parts["postnet"] = try melLoss(post) }
        parts["duration"] = share.scale(try maskedMSELoss(out.logDurations, batch.logDurations!, mask: batch.tokenMask),
                                        by: share.tokens) * w
        if let pitch = out.pitch {
            let target = out.voicing == nil ? batch.pitch : batch.smoothPitch
            parts["pitch"] = share.scale(try maskedMSELoss(pitch, target, mask: batch.frameMask), by: share.frames) * w
        }
        if let voicing = out.voicing {
            parts["voicing"] = share.scale(try maskedBinaryCrossEntropy(logits: voicing, batch.voicing, mask: batch.frameMask),
                                           by: share.frames) * w
        }
        if let energy = out.energy {
            parts["energy"] = share.scale(try maskedMSELoss(energy, batch.energy, mask: batch.frameMask), by: share.frames) * w
        }
        let total = parts.keys.sorted().map { parts[$0]! }.reduce(Tensor(scalar: 0), +)
        try total.checkFinite("total loss")
        var values = parts.mapValues { Double($0.item()) }
        // The aligner's losses as they are: their weights ramp, so weighted curves would show the schedule.
        for (key, loss) in alignmentLosses { values[key] = Double(loss.item()) }
        values["loss"] = Double(total.item())
        precondition(Set(values.keys).isSubset(of: Trainer.lossParts), "Trainer.lossParts lacks one of \(values.keys.sorted())")
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
        if let median = boundaryErrors.median {
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
