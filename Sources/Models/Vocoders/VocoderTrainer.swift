import Audio
import Foundation
import NN
import Tensor

/// What a vocoder trains on: the log-mels of the training utterances and a way to read each
/// one's waveform (at the features' rate; read when a segment needs it, kept in memory up to
/// `cacheSamples` samples so a small corpus is read once and a large one is not held whole).
public final class VocoderCorpus {
    public let mels: [LogMel]
    let read: (Int) throws -> [Float]
    let cacheSamples: Int
    private var cache: [Int: [Float]] = [:]
    private var cached = 0

    public init(mels: [LogMel], cacheSamples: Int = 100_000_000, waveform: @escaping (Int) throws -> [Float]) {
        self.mels = mels
        self.read = waveform
        self.cacheSamples = cacheSamples
    }

    func waveform(_ index: Int) throws -> [Float] {
        if let samples = cache[index] { return samples }
        let samples = try read(index)
        if cached + samples.count <= cacheSamples { cache[index] = samples; cached += samples.count }
        return samples
    }
}

/// A held-out utterance a vocoder is scored on at every validation: its log-mel and recording.
public struct VocoderExample: Sendable {
    public let mel: LogMel
    public let samples: [Float]
    public init(mel: LogMel, samples: [Float]) { self.mel = mel; self.samples = samples }
}

/// The adversarial seam: discriminators and their losses (Vocos' multi-period and
/// multi-resolution discriminators, feature matching) join the ``VocoderTrainer`` here from
/// step `gan_start` on. At each such step the trainer first lets the adversary update its
/// discriminators on the batch's real and generated waveforms, then adds its generator terms
/// to the spectral loss before the backward pass. Its weights and optimizer travel in the
/// vocoder's checkpoint (`adversary.*`), so resumption stays bitwise.
public protocol VocoderAdversary: AnyObject {
    /// One discriminator update on `real` and `fake` (`[B, samples]`; detach `fake`); the
    /// discriminator loss terms, recorded as `train.<name>`.
    func trainDiscriminators(real: Tensor, fake: Tensor, step: Int) throws -> [String: Double]
    /// The generator's adversarial and feature-matching terms: their weighted sum (which the
    /// gradient flows through into `fake`) and its parts for the curves.
    func generatorLoss(real: Tensor, fake: Tensor) throws -> (Tensor, [String: Double])
    /// Tensors and metadata saved under `adversary.` in checkpoints.
    func stateDict() -> (arrays: StateDict, metadata: [String: String])
    func load(stateDict: StateDict, metadata: [String: String]) throws
}

/// Trains a ``NeuralVocoder`` on random segments of corpus audio:
///
/// ```
/// segment: F mel frames from frame f₀ of a random utterance, and its samples
///          [f₀·hop, (f₀ + F − 1)·hop): frame t of a centred STFT is centred on sample t·hop,
///          so the vocoder's (F − 1)·hop output samples line up with them
/// loss   = mel_weight · mean|logmel(ŷ) − logmel(y)|  +  MR-STFT(ŷ, y)   [+ adversary from gan_start]
///        [+ phase_weight · phaseAdvanceLoss(ŷ, y)]
/// ```
/// `logmel` is the features' analysis made differentiable (``WaveformLogMel``), MR-STFT is
/// Parallel WaveGAN's spectral convergence + log-magnitude loss at three resolutions scaled
/// to the features' FFT size. Utterances shorter than a segment are padded with silence
/// (log-floor frames, zero samples). Adam or AdamW with the configured schedule and clipping.
///
/// Reproducible: the segments of step `s` are a function of the seed and `s` only, so a run
/// resumed from a checkpoint (weights, optimizer state, step) continues with exactly the
/// losses of an uninterrupted one.
public final class VocoderTrainer {
    public let vocoder: any NeuralVocoder
    public let spec: VocoderSpec
    public let features: MelFormat
    public let config: VocoderTrainConfig
    public let optimizer: Adam
    let schedule: any LearningRateSchedule
    let corpus: VocoderCorpus
    public let validation: [VocoderExample]
    let logMel: WaveformLogMel
    let resolutions: [STFTResolution]
    public let scorer: VocoderScorer
    /// Discriminators and their losses from `gan_start` on (see ``VocoderAdversary``): a
    /// ``GANAdversary`` of `config.gan` when `gan_start` is set, unless replaced.
    public var adversary: (any VocoderAdversary)?
    /// Optimizer steps completed.
    public private(set) var step = 0
    /// The last finite training loss.
    public private(set) var lastLoss: Double?
    /// The vocoder's waveforms of the ``validation`` examples at the last validation.
    public private(set) var lastValidationAudio: [[Float]] = []

    /// A trainer for a freshly initialised vocoder of `spec` (weights from the seed).
    public convenience init(spec: VocoderSpec, features: MelFormat, config: VocoderTrainConfig, corpus: VocoderCorpus,
                            validation: [VocoderExample]) throws {
        let vocoder = try spec.makeVocoder(features: features, seed: config.seed)
        try self.init(vocoder: vocoder, spec: spec, features: features, config: config, corpus: corpus,
                      validation: validation)
    }

    init(vocoder: any NeuralVocoder, spec: VocoderSpec, features: MelFormat, config: VocoderTrainConfig,
         corpus: VocoderCorpus, validation: [VocoderExample]) throws {
        try config.validate()
        guard !corpus.mels.isEmpty else { throw ModelError("vocoder training needs at least one training utterance") }
        for mel in corpus.mels + validation.map(\.mel) where mel.bands != features.nMels {
            throw ModelError("a training mel has \(mel.bands) bands, the vocoder reads \(features.nMels)")
        }
        let hop = features.settings.hopLength
        resolutions = STFTResolution.scaled(toNFFT: features.settings.nFFT)
        let samples = (config.segmentFrames - 1) * hop
        let widest = max(features.settings.nFFT, resolutions.map(\.nFFT).max() ?? 0)
        guard samples > widest / 2 else {
            throw ModelError("train_vocoder: segment_frames = \(config.segmentFrames) gives \(samples) samples, too few for the STFT losses (more than \(widest / 2) needed): use at least \(widest / 2 / hop + 2)")
        }
        if config.ganStart != nil {
            let gan = try GANAdversary(config: config.gan ?? GANConfig(), features: features, seed: config.seed)
            guard samples >= gan.minimumSamples else {
                throw ModelError("train_vocoder: segment_frames = \(config.segmentFrames) gives \(samples) samples, too few for the discriminators (\(gan.minimumSamples) needed): use at least \((gan.minimumSamples + hop - 1) / hop + 1) or smaller gan.periods")
            }
            adversary = gan
        }
        self.vocoder = vocoder
        self.spec = spec
        self.features = features
        self.config = config
        self.corpus = corpus
        self.validation = validation
        logMel = try WaveformLogMel(features: features)
        scorer = try VocoderScorer(features: features)
        Parallel.threadCount = config.threads
        let parameters = vocoder.namedParameters()
        optimizer = switch config.optimizer {
        case .adam: Adam(parameters, learningRate: Float(config.lr), weightDecay: Float(config.weightDecay))
        case .adamw: AdamW(parameters, learningRate: Float(config.lr), weightDecay: Float(config.weightDecay))
        }
        schedule = switch config.schedule {
        case .constant: ConstantSchedule(Float(config.lr))
        case .warmupCosine: WarmupCosineSchedule(peak: Float(config.lr), warmupSteps: min(config.warmup, config.steps - 1),
                                                 totalSteps: config.steps)
        case .noam: NoamSchedule(modelDimensions: spec.modelDimensions, warmupSteps: max(1, config.warmup), factor: Float(config.lr))
        }
    }

    /// A trainer continuing `checkpoint` (weights, optimizer state, noise, step, and the
    /// adversary's state if it holds one); `config` defaults to the checkpoint's. An
    /// ``adversary`` set afterwards gets the checkpoint's `adversary.*` through ``loadAdversary(from:)``.
    public convenience init(resuming checkpoint: VocoderCheckpoint, config: VocoderTrainConfig? = nil,
                            corpus: VocoderCorpus, validation: [VocoderExample]) throws {
        guard let config = config ?? checkpoint.trainConfig else {
            throw ModelError("the vocoder checkpoint has no training configuration; pass one to resume")
        }
        try self.init(vocoder: checkpoint.makeVocoder(), spec: checkpoint.spec, features: checkpoint.features,
                      config: config, corpus: corpus, validation: validation)
        try optimizer.load(stateDict: checkpoint.optimizer, metadata: checkpoint.optimizerMetadata)
        step = checkpoint.step
        try loadAdversary(from: checkpoint)
    }

    /// Restores the adversary's state from a checkpoint (nothing if it holds none).
    public func loadAdversary(from checkpoint: VocoderCheckpoint) throws {
        guard let adversary, !checkpoint.adversary.isEmpty else { return }
        try adversary.load(stateDict: checkpoint.adversary, metadata: checkpoint.adversaryMetadata)
    }

    /// Trains until `steps` (or until the observer asks to stop), validating and
    /// checkpointing on schedule, as ``Trainer/run(observer:)`` does.
    @discardableResult
    public func run(observer: (any TrainingObserver)? = nil) throws -> TrainingOutcome {
        while step < config.steps {
            let report = try trainStep()
            observer?.trainerDidStep(report)
            let last = step == config.steps
            if step % config.validateEvery == 0 || last, !validation.isEmpty {
                observer?.trainerDidValidate(step: step, metrics: try validate())
            }
            let stop = observer?.shouldStop ?? false
            if step % config.checkpointEvery == 0 || last || stop {
                observer?.trainerDidCheckpoint(step: step, bytes: try checkpoint().encoded())
            }
            if stop && !last { return .stopped(step: step) }
        }
        return .finished(step: step)
    }

    /// The mel frames `[B, F, nMels]` and waveforms `[B, (F − 1)·hop]` of step `step`'s segments.
    public func batch(at step: Int) throws -> (mel: Tensor, waveform: Tensor) {
        let frames = config.segmentFrames, bands = features.nMels, hop = features.settings.hopLength
        let samples = (frames - 1) * hop
        let silence = Foundation.log(features.settings.logFloor)
        var mel = [Float](repeating: silence, count: config.batchSize * frames * bands)
        var wave = [Float](repeating: 0, count: config.batchSize * samples)
        var random = SplitMix64(seed: config.seed ^ (UInt64(step) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
        for b in 0..<config.batchSize {
            let item = Int(random.next() % UInt64(corpus.mels.count))
            let source = corpus.mels[item]
            let start = source.frames > frames ? Int(random.next() % UInt64(source.frames - frames + 1)) : 0
            let used = min(frames, source.frames - start)
            for t in 0..<used {
                let from = (start + t) * bands, to = (b * frames + t) * bands
                for m in 0..<bands { mel[to + m] = source.values[from + m] }
            }
            let audio = try corpus.waveform(item)
            let first = min(start * hop, audio.count), count = min(samples, audio.count - first)
            for n in 0..<count { wave[b * samples + n] = audio[first + n] }
        }
        return (Tensor(mel, shape: [config.batchSize, frames, bands]), Tensor(wave, shape: [config.batchSize, samples]))
    }

    /// One optimizer step on the segments of the next step.
    public func trainStep() throws -> StepReport {
        let start = Date()
        let (mel, target) = try batch(at: step)
        vocoder.train()
        optimizer.zeroGrad()
        let lr = schedule(step)
        optimizer.learningRate = lr
        let total: Tensor, parts: [String: Double], norm: Float
        do {
            (total, parts) = try losses(mel: mel, target: target)
            total.backward()
            norm = try clipGradNorm(optimizer.parameters.map(\.tensor), maxNorm: config.clip > 0 ? Float(config.clip) : .infinity)
        } catch let error as TensorError {
            throw TrainingError(step: step + 1, lastFiniteLoss: lastLoss, detail: error.description)
        }
        optimizer.step()
        step += 1
        lastLoss = parts["loss"]
        return StepReport(step: step, totalSteps: config.steps, losses: parts, learningRate: Double(lr),
                          gradientNorm: Double(norm),
                          utterancesPerSecond: Double(config.batchSize) / max(Date().timeIntervalSince(start), 1e-9))
    }

    /// The total loss and its parts (`mel`, `stft_sc`, `stft_mag`, `phase` if weighted, any adversarial terms, `loss`).
    func losses(mel: Tensor, target: Tensor) throws -> (Tensor, [String: Double]) {
        let predicted = try vocoder(mel: mel, length: nil)
        let melL1 = (logMel(predicted) - logMel(target)).abs().mean()
        let spectral = try multiResolutionSTFTLoss(predicted, target, resolutions: resolutions)
        var total = melL1 * Float(config.melWeight) + spectral.total
        var parts = ["mel": Double(melL1.item()), "stft_sc": Double(spectral.spectralConvergence.item()),
                     "stft_mag": Double(spectral.logMagnitude.item())]
        if let weight = config.phaseWeight, weight > 0 {
            let s = features.settings
            let phase = phaseAdvanceLoss(predicted, target, nFFT: s.nFFT, hop: s.hopLength)
            total = total + phase * Float(weight)
            parts["phase"] = Double(phase.item())
        }
        // The adversarial seam (see ``VocoderAdversary``): from `gan_start` on, discriminators
        // step first on this batch, then their generator terms join the loss.
        if let adversary, let ganStart = config.ganStart, step >= ganStart {
            parts.merge(try adversary.trainDiscriminators(real: target, fake: predicted, step: step)) { a, _ in a }
            let (term, terms) = try adversary.generatorLoss(real: target, fake: predicted)
            total = total + term
            parts.merge(terms) { a, _ in a }
        }
        try total.checkFinite("vocoder loss")
        parts["loss"] = Double(total.item())
        return (total, parts)
    }

    /// Scores the vocoder on the ``validation`` examples (whole utterances): the means of
    /// ``VocoderScores`` as `val_mcd`, `val_mrstft`, `val_f0_rmse`, `val_vuv_f1`. Keeps the
    /// waveforms in ``lastValidationAudio``.
    public func validate() throws -> [String: Double] {
        vocoder.eval()
        defer { vocoder.train() }
        var scores: [VocoderScores] = []
        var audio: [[Float]] = []
        for example in validation {
            let samples = try vocode(vocoder, example.mel, length: example.samples.count)
            audio.append(samples)
            scores.append(try scorer.score(samples, against: example.samples))
        }
        lastValidationAudio = audio
        return Dictionary(uniqueKeysWithValues: VocoderScores.mean(scores).map { ("val_" + $0.key, $0.value) })
    }

    /// The current state as a checkpoint.
    public func checkpoint() throws -> VocoderCheckpoint {
        let (arrays, metadata) = optimizer.stateDict()
        let adversaryState: (arrays: StateDict, metadata: [String: String]) = adversary?.stateDict() ?? ([:], [:])
        return VocoderCheckpoint(spec: spec, features: features, trainConfig: config, step: step,
                                 model: vocoder.stateDict(), optimizer: arrays, optimizerMetadata: metadata,
                                 adversary: adversaryState.arrays, adversaryMetadata: adversaryState.metadata,
                                 randomState: vocoder.randomState)
    }
}

/// The waveform of one log-mel by a neural vocoder, without recording gradients; `length`
/// samples (by default what the vocoder gives for the frames).
public func vocode(_ vocoder: any NeuralVocoder, _ mel: LogMel, length: Int? = nil) throws -> [Float] {
    try noGrad {
        try vocoder(mel: Tensor(mel.values, shape: [1, mel.frames, mel.bands]), length: length).scalars
    }
}
