import Foundation
import NN
import Tensor

/// `funaudio bench profile`: where the time of ref-small's training step and batch-1 inference
/// goes, op by op (``OpProfile``), beside PyTorch's own profile of the same model
/// (`torch.profiler`, `scripts/peers/profile_train.py`): what to make faster, and whether it got faster.
///
/// A profile is not a race: the two sides run one after the other and their per-op times are
/// read against each side's own total. The ratios to quote come from `bench train`.
public enum ProfileBenchmark {
    /// One op's share of a step.
    public struct Row: Codable, Sendable, Equatable {
        /// The op as the profile names it (`matmul`, `matmul backward`, `optimizer`, …).
        public var op: String
        /// Milliseconds per step (or per inference) and calls per step.
        public var milliseconds: Double, calls: Double
        /// Fraction of the step.
        public var share: Double

        enum CodingKeys: String, CodingKey { case op, milliseconds = "ms", calls, share }
    }

    /// FunAudio's and (if run) PyTorch's profiles of the training step and of inference.
    public struct Report: BenchmarkReport {
        public var steps: Int, threads: Int, batch: Int
        public var train: [Row], infer: [Row]
        public var peerTrain: [Row]?, peerInfer: [Row]?
        public var torch: String?
        public var loadBefore: Double?, loadAfter: Double?

        enum CodingKeys: String, CodingKey {
            case steps, threads, batch, train, infer, torch
            case peerTrain = "torch_train", peerInfer = "torch_infer"
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        public var text: String {
            var lines = ["ref-small, \(threads) thread(s), \(steps) profiled steps and inferences after one warm-up"
                         + (torch.map { "; PyTorch \($0) (torch.profiler, self CPU time per aten op)" } ?? "")]
            lines += Self.table("training step, batch \(batch)", train, peerTrain)
            lines += Self.table("inference, batch 1", infer, peerInfer)
            lines.append("load average \(loadText(loadBefore, loadAfter))")
            return lines.joined(separator: "\n")
        }

        /// FunAudio's rows and, beside them, PyTorch's: the two lists side by side, each by time.
        static func table(_ title: String, _ ours: [Row], _ peer: [Row]?, limit: Int = 25) -> [String] {
            func total(_ rows: [Row]) -> Double { rows.reduce(0) { $0 + $1.milliseconds } }
            func cell(_ row: Row?) -> String {
                guard let row else { return "" }
                return row.op.padding(toLength: 30, withPad: " ", startingAt: 0)
                    + String(format: "%8.2f %5.1f%% %6.1f", row.milliseconds, 100 * row.share, row.calls)
            }
            var lines = ["", "\(title): FunAudio \(fixed(total(ours), 2)) ms"
                         + (peer.map { "   PyTorch \(fixed(total($0), 2)) ms" } ?? ""),
                         "  " + "op".padding(toLength: 30, withPad: " ", startingAt: 0) + "      ms share  calls"
                         + (peer == nil ? "" : "   " + "aten op".padding(toLength: 30, withPad: " ", startingAt: 0) + "      ms share  calls")]
            for i in 0..<min(limit, max(ours.count, peer?.count ?? 0)) {
                let left = cell(i < ours.count ? ours[i] : nil).padding(toLength: 52, withPad: " ", startingAt: 0)
                lines.append("  " + left + (peer.map { "   " + cell(i < $0.count ? $0[i] : nil) } ?? ""))
            }
            return lines
        }
    }

    /// The profiles: one warm-up step and inference, then `steps` of each under an
    /// ``OpProfile``; with `withPeer`, PyTorch's of the same (`profile_train.py`).
    public static func run(steps: Int, withPeer: Bool, config: RefSmallConfig = RefSmallConfig()) throws -> Report {
        let loadBefore = Measure.loadAverage
        let step = RefSmallTrainingStep(config)
        let infer = RefSmallInference(config, firstItemOf: step)
        try step(); infer()

        let training = OpProfile()
        try training.measure {
            for _ in 0..<steps { try step(profile: training) }
        }
        let inferring = OpProfile()
        inferring.measure {
            for _ in 0..<steps { infer(); inferring.mark("between inferences") }
        }
        var peer: (train: [Row], infer: [Row], torch: String)?
        if withPeer {
            let output = try Peer.decode(PeerProfile.self, from: "profile_train.py", arguments: [
                "--steps", "\(steps)", "--threads", "\(Parallel.threadCount)",
            ])
            peer = (rows(output.train.map { ($0.op, $0.ms, $0.calls) }),
                    rows(output.infer.map { ($0.op, $0.ms, $0.calls) }), output.torch)
        }
        func perStep(_ profile: OpProfile) -> [Row] {
            rows(profile.entries.map { ($0.key, $0.value.seconds * 1000 / Double(steps), Double($0.value.calls) / Double(steps)) })
        }
        return Report(steps: steps, threads: Parallel.threadCount, batch: config.batch,
                      train: perStep(training), infer: perStep(inferring),
                      peerTrain: peer?.train, peerInfer: peer?.infer, torch: peer?.torch,
                      loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    /// Rows of (op, ms per step, calls per step), largest first, each with its share of their sum.
    static func rows(_ entries: [(op: String, milliseconds: Double, calls: Double)]) -> [Row] {
        let total = entries.reduce(0) { $0 + $1.milliseconds }
        return entries.map { Row(op: $0.op, milliseconds: $0.milliseconds, calls: $0.calls,
                                 share: total > 0 ? $0.milliseconds / total : 0) }
            .sorted { ($0.milliseconds, $1.op) > ($1.milliseconds, $0.op) }
    }

    /// What `profile_train.py` prints: per-step ms and calls of each aten op (self CPU time).
    struct PeerProfile: Decodable {
        struct Op: Decodable { var op: String; var ms: Double; var calls: Double }
        var train: [Op], infer: [Op]
        var torch: String
    }
}
