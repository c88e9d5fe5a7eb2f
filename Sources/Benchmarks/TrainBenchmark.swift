import Foundation
import NN
import Tensor

/// `funaudio bench train`: the bench model 'ref-small' trained on one fixed synthetic batch
/// (random tokens, reference mel and target mel) with L1 loss and Adam (lr 1e-3), and the same
/// model at batch 1 in evaluation mode under `noGrad`, timed in interleaved rounds against
/// PyTorch eager and `torch.compile` (``compare(_:withPeer:progress:)``).
///
/// Each round times `repeats` training steps (zero grads, forward, loss, backward, Adam) and
/// `inferRepeats` batch-1 forwards, and keeps the median of each. Also reported: achieved
/// GFLOP/s (3 × forward FLOPs per step: forward plus a backward of about twice its cost), the
/// OpenBLAS sgemm ceiling at the model's matrix shapes, and peak memory.
public enum TrainBenchmark {
    /// How much is timed.
    public struct Settings: Sendable {
        /// Counted rounds (one more warms up).
        public var rounds = 15
        /// Training steps per round; their median is the round's figure.
        public var repeats = 3
        /// Batch-1 inferences per round.
        public var inferRepeats = 10
        /// Whether the peer also times `torch.compile` (which compiles for minutes at start-up).
        public var compile = true
        public var config = RefSmallConfig()
        public init() {}
    }

    /// FunAudio's figures: medians over the rounds.
    public struct Result: Sendable, Codable {
        public var params: Int
        public var trainStepMilliseconds: Double
        public var inferMilliseconds: Double
        public var gflops: Double
        public var sgemmGflops: Double
        public var peakRSSMegabytes: Double
        public var lossFirst: Float
        public var lossLast: Float
        /// Timed training steps (rounds × repeats, warm-up round excluded).
        public var steps: Int
        /// The training step on one thread (timed in the same rounds), and how many times
        /// faster the step is on all threads: the median of the per-round ratios. Nil on one thread.
        public var oneThreadTrainStepMilliseconds: Double?, threadSpeedup: Double?

        enum CodingKeys: String, CodingKey {
            case oneThreadTrainStepMilliseconds = "one_thread_train_step_ms", threadSpeedup = "thread_speedup"
            case params, steps, gflops
            case trainStepMilliseconds = "train_step_ms", inferMilliseconds = "infer_ms"
            case sgemmGflops = "sgemm_gflops", peakRSSMegabytes = "peak_rss_mb"
            case lossFirst = "loss_first", lossLast = "loss_last"
        }
    }

    /// OpenBLAS `sgemm` GFLOP/s at the bench model's largest products (the decoder
    /// convolution as one GEMM, the feed-forward layers and their gradients), best of 5.
    public static func sgemmCeiling() -> Double {
        let shapes: [(m: Int, n: Int, k: Int, transA: Bool, transB: Bool)] = [
            (4096, 256, 1280, false, true), (1024, 1024, 256, false, false), (1024, 256, 1024, true, false),
        ]
        var best = 0.0
        for _ in 0..<5 {
            var flops = 0.0, seconds = 0.0
            for s in shapes {
                let a = [Float](repeating: 0.5, count: s.m * s.k), bm = [Float](repeating: 0.25, count: s.k * s.n)
                var c = [Float](repeating: 0, count: s.m * s.n)
                let start = DispatchTime.now().uptimeNanoseconds
                gemm(a, transposeA: s.transA, bm, transposeB: s.transB, &c, m: s.m, n: s.n, k: s.k)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                flops += 2 * Double(s.m * s.n * s.k)
            }
            best = max(best, flops / seconds / 1e9)
        }
        return best
    }

    /// Peak resident set size of this process (`VmHWM` in /proc/self/status), in MB.
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kb / 1024
    }
}

/// One Adam step of ref-small on a fixed synthetic batch (seeded tokens, reference and target
/// mels): the unit of work of `bench train`, and the real step `bench tracking` logs around.
public final class RefSmallTrainingStep {
    public let model: RefSmall
    let optimizer: Adam
    let tokens: [Int]
    let referenceMel: Tensor
    let target: Tensor
    let batch: Int

    public init(_ config: RefSmallConfig = RefSmallConfig()) {
        model = RefSmall(config, seed: 0)
        optimizer = Adam(model.namedParameters(), learningRate: 1e-3)
        var g = SplitMix64(seed: 1)
        batch = config.batch
        tokens = (0..<(batch * config.tokens)).map { _ in Int(g.next() % UInt64(config.vocabulary)) }
        referenceMel = Tensor.randn([batch, config.melBins, config.referenceFrames], generator: &g)
        target = Tensor.randn([batch, config.tokens * config.repeatCount, config.melBins], generator: &g)
    }

    /// Forward, L1 loss, backward, update; returns the loss. With a `profile`, the phases that
    /// record no op (zeroing, the update, reading the loss) are charged to entries of their own.
    @discardableResult
    public func callAsFunction(profile: OpProfile? = nil) throws -> Float {
        optimizer.zeroGrad()
        profile?.mark("zero grad")
        let loss = try l1Loss(model(tokens: tokens, batch: batch, referenceMel: referenceMel), target)
        loss.backward()
        optimizer.step()
        profile?.mark("optimizer")
        defer { profile?.mark("loss read-out") }
        return loss.item()
    }
}

/// ref-small at batch 1 in evaluation mode, without gradients, on the first item of a training
/// step's batch: the unit of `bench train`'s and `bench profile`'s inference.
final class RefSmallInference {
    let model: RefSmall
    let tokens: [Int]
    let referenceMel: Tensor

    /// A second model from the same seed, so the training model never leaves training mode.
    init(_ config: RefSmallConfig, firstItemOf step: RefSmallTrainingStep) {
        model = RefSmall(config, seed: 0)
        model.eval()
        tokens = Array(step.tokens[..<config.tokens])
        referenceMel = noGrad { step.referenceMel.slice(axis: 0, 0..<1).copy() }
    }

    func callAsFunction() {
        _ = noGrad { model(tokens: tokens, batch: 1, referenceMel: referenceMel) }
    }
}
