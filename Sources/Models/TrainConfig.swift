/// How to train: the `train.*` keys of an experiment file and its `seed`. Plain values; the
/// experiment schema holds the defaults (``tiny`` is a preset for unit tests only).
public struct TrainConfig: Codable, Sendable, Equatable {
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, adamw }
    public enum ScheduleKind: String, Codable, Sendable, CaseIterable {
        case constant, warmupCosine = "warmup_cosine", noam
    }
    public enum LossKind: String, Codable, Sendable, CaseIterable { case l1, mse }

    public var steps: Int
    /// Utterances per optimizer step, over all ranks together.
    public var batchSize: Int
    /// `train.ranks`: the MPI ranks each run trains with (`run --slurm` asks Slurm for them);
    /// nil: as many as it was launched with. The trainer itself takes its communicator's.
    public var ranks: Int?
    /// `train.micro_batches`: the micro-batches each rank cuts its share of a batch into
    /// (gradient accumulation: the same step in less memory, see ``Trainer``); nil (1) in
    /// checkpoints written before the setting existed.
    public var microBatches: Int?
    public var optimizer: OptimizerKind
    /// Peak learning rate (the factor of `noam`).
    public var lr: Double
    public var weightDecay: Double
    public var schedule: ScheduleKind
    public var warmup: Int
    /// Gradient-norm clipping threshold; 0 disables clipping.
    public var clip: Double
    public var loss: LossKind
    /// Weight of the duration loss (and of the pitch and energy losses, when enabled).
    public var durationWeight: Double
    public var validateEvery: Int
    public var checkpointEvery: Int
    /// How many of a run's latest checkpoints to keep (0: all); nil in checkpoints written
    /// before the setting existed. Storage is the caller's: the trainer only reports them.
    public var keepCheckpoints: Int?
    /// CPU threads of the whole process (``Parallel/threadCount``: OpenBLAS and FunAudio's own
    /// kernels), set for the run; part of what makes a run reproducible.
    public var threads: Int
    /// Seeds initialisation, dropout and batch order.
    public var seed: UInt64
    /// `model.bert.lr_scale`: the learning rate of a fine-tuned BERT's parameters (`bert.*`)
    /// as a fraction of the rest's, so the pretrained encoder moves gently; nil when BERT is
    /// not fine-tuned (and then absent from checkpoints' JSON).
    public var bertLRScale: Double?

    public init(steps: Int, batchSize: Int, optimizer: OptimizerKind, lr: Double, weightDecay: Double,
                schedule: ScheduleKind, warmup: Int, clip: Double, loss: LossKind, durationWeight: Double,
                validateEvery: Int, checkpointEvery: Int, keepCheckpoints: Int? = nil, threads: Int, seed: UInt64,
                bertLRScale: Double? = nil, microBatches: Int? = nil) {
        self.steps = steps; self.batchSize = batchSize; self.optimizer = optimizer; self.lr = lr
        self.weightDecay = weightDecay; self.schedule = schedule; self.warmup = warmup; self.clip = clip
        self.loss = loss; self.durationWeight = durationWeight; self.validateEvery = validateEvery
        self.checkpointEvery = checkpointEvery; self.keepCheckpoints = keepCheckpoints; self.threads = threads; self.seed = seed
        self.bertLRScale = bertLRScale
        self.microBatches = microBatches
    }

    /// A few steps on tiny batches, for unit tests.
    public static func tiny(steps: Int = 6, seed: UInt64 = 1) -> TrainConfig {
        TrainConfig(steps: steps, batchSize: 2, optimizer: .adam, lr: 3e-3, weightDecay: 0,
                    schedule: .constant, warmup: 0, clip: 1, loss: .l1, durationWeight: 1,
                    validateEvery: 3, checkpointEvery: 4, threads: 1, seed: seed)
    }
}
