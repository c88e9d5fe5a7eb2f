import Foundation

/// What the trainer tells its caller (the experiment runner) as it goes. Every method has
/// a default that does nothing, so an observer implements only what it records.
public protocol TrainingObserver: AnyObject {
    /// After each optimizer step.
    func trainerDidStep(_ report: StepReport)
    /// After each validation (every `validate_every` steps and at the end).
    func trainerDidValidate(step: Int, metrics: [String: Double])
    /// At each validation of a model with an aligner, just before ``trainerDidValidate(step:metrics:)``:
    /// its alignment of a few fixed validation utterances.
    func trainerDidAlign(step: Int, examples: [AlignmentExample])
    /// After each checkpoint (every `checkpoint_every` steps, at the end, and on a stop),
    /// with the bytes of the safetensors file (see ``Checkpoint``).
    func trainerDidCheckpoint(step: Int, bytes: Data)
    /// Read after every step: `true` (e.g. after SIGINT) checkpoints and stops cleanly.
    var shouldStop: Bool { get }
}

extension TrainingObserver {
    public func trainerDidStep(_ report: StepReport) {}
    public func trainerDidValidate(step: Int, metrics: [String: Double]) {}
    public func trainerDidAlign(step: Int, examples: [AlignmentExample]) {}
    public func trainerDidCheckpoint(step: Int, bytes: Data) {}
    public var shouldStop: Bool { false }
}

/// One optimizer step: its losses, learning rate and progress.
public struct StepReport: Sendable {
    /// Steps completed (1 after the first).
    public let step: Int
    public let totalSteps: Int
    /// `loss` (the total), `mel`, `postnet`, `duration`, `pitch`, `voicing`, `energy` as present, each
    /// weighted as it enters the total; the aligner's `forward_sum` and `binarization`
    /// unweighted (the binarization weight ramps up during training).
    public let losses: [String: Double]
    public let learningRate: Double
    /// Global gradient norm before clipping.
    public let gradientNorm: Double
    /// Utterances per second of this step (forward, backward, update), of the whole batch
    /// over all ranks.
    public let utterancesPerSecond: Double
    /// Seconds of this step spent in allreduce (waiting for the slowest rank included); 0
    /// in a single process.
    public var communicationSeconds: Double = 0
}

/// The aligner's view of one utterance: soft attention `[frames, phonemes]` (row-major) and
/// the hard MAS durations drawn over it.
public struct AlignmentExample: Sendable {
    public let id: String
    public let phonemes: Int, frames: Int
    public let softAttention: [Float]
    public let durations: [Int]
    /// The utterance's true durations, when known (``Utterance/trueDurations``).
    public let trueDurations: [Int]?
}

/// How a call of ``Trainer/run(observer:)`` ended.
public enum TrainingOutcome: Equatable, Sendable {
    case finished(step: Int)
    /// The observer asked to stop; a checkpoint of this step was written.
    case stopped(step: Int)
}
