/// How to train a neural vocoder: the `train_vocoder` cell's optimisation keys and the run's
/// `seed`. Plain values; the experiment schema holds the defaults and documents each key.
public struct VocoderTrainConfig: Codable, Sendable, Equatable {
    public var steps: Int
    /// Segments per batch.
    public var batchSize: Int
    /// Mel frames per training segment (the waveform is `(frames − 1)·hop` samples).
    public var segmentFrames: Int
    public var optimizer: TrainConfig.OptimizerKind
    public var lr: Double
    public var weightDecay: Double
    public var schedule: TrainConfig.ScheduleKind
    public var warmup: Int
    /// Gradient-norm clipping threshold; 0 disables clipping.
    public var clip: Double
    /// Weight of the mel L1 term; the multi-resolution STFT loss has weight 1.
    public var melWeight: Double
    /// Weight of ``phaseAdvanceLoss(_:_:nFFT:hop:)`` at the features' STFT (nil or 0: not
    /// computed; checkpoints from before it existed have none).
    public var phaseWeight: Double?
    public var validateEvery: Int
    public var checkpointEvery: Int
    /// How many of the run's latest checkpoints runs.db keeps (0: all).
    public var keepCheckpoints: Int
    /// The step from which adversarial losses join (nil trains without them).
    public var ganStart: Int?
    /// The adversary's settings (nil: ``GANConfig``'s defaults; checkpoints from before it existed have none).
    public var gan: GANConfig?
    public var threads: Int
    /// Seeds initialisation and the segments of every step.
    public var seed: UInt64

    public init(steps: Int, batchSize: Int, segmentFrames: Int, optimizer: TrainConfig.OptimizerKind = .adamw,
                lr: Double, weightDecay: Double = 0, schedule: TrainConfig.ScheduleKind = .warmupCosine,
                warmup: Int = 0, clip: Double = 0, melWeight: Double = 1, phaseWeight: Double? = nil, validateEvery: Int, checkpointEvery: Int,
                keepCheckpoints: Int = 2, ganStart: Int? = nil, gan: GANConfig? = nil, threads: Int, seed: UInt64) {
        self.steps = steps; self.batchSize = batchSize; self.segmentFrames = segmentFrames
        self.optimizer = optimizer; self.lr = lr; self.weightDecay = weightDecay; self.schedule = schedule
        self.warmup = warmup; self.clip = clip; self.melWeight = melWeight; self.phaseWeight = phaseWeight; self.validateEvery = validateEvery
        self.checkpointEvery = checkpointEvery; self.keepCheckpoints = keepCheckpoints; self.ganStart = ganStart
        self.gan = gan
        self.threads = threads; self.seed = seed
    }

    /// Throws a ``ModelError`` naming the first value that cannot train.
    public func validate() throws {
        for (key, value) in [("steps", steps), ("batch_size", batchSize), ("validate_every", validateEvery),
                             ("checkpoint_every", checkpointEvery), ("threads", threads)] where value < 1 {
            throw ModelError("train_vocoder: \(key) = \(value) must be at least 1")
        }
        if segmentFrames < 2 { throw ModelError("train_vocoder: segment_frames = \(segmentFrames) must be at least 2") }
    }
}
