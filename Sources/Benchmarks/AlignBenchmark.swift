import Foundation
import Models
import NN
import Tensor

/// `funaudio bench align`: what the learned aligner costs a training step, and its forward-sum
/// loss against PyTorch's `ctc_loss` on the same shapes.
///
/// A synthetic batch with the lengths of the built-in corpus (phonemes drawn in
/// `textLengths`, about `framesPerPhoneme` mel frames each), timed in interleaved rounds: each
/// round times FunAudio's training step of the given model, the aligner alone (distance
/// matrix, prior, soft attention, forward-sum, MAS, binarization, and their backward) and the
/// forward-sum alone (forward and backward), then the peer's `ctc_loss` forward-sum (forward
/// and backward) in `scripts/peers/bench_align.py`. Each figure of a round is the median of
/// `repeats` calls.
public enum AlignBenchmark {
    /// The batch's shape: the quickstart's batch size and the built-in corpus's lengths.
    public struct Shapes: Sendable {
        public var batch = 16
        public var textLengths = 20...60
        public var framesPerPhoneme = 7.0
        public var seed: UInt64 = 1

        public init() {}

        /// Phonemes and frames of each utterance, drawn from the seed.
        func lengths() -> (text: [Int], mel: [Int]) {
            var generator = SplitMix64(seed: seed)
            let text = (0..<batch).map { _ in textLengths.lowerBound + generator.next(below: textLengths.count) }
            let mel = text.map { n in Int((Double(n) * framesPerPhoneme * (0.8 + 0.4 * generator.nextUnit())).rounded()) }
            return (text, mel)
        }
    }

    public struct Report: BenchmarkReport {
        public var batch: Int
        public var meanPhonemes: Double, meanFrames: Double
        /// Median ms of a whole training step of the model (with its aligner when it has one).
        public var trainStepMs: Double
        /// Median ms of the aligner's forward and backward.
        public var alignerMs: Double
        /// `alignerMs / trainStepMs`: the aligner's share of a step.
        public var alignerShare: Double
        public var forwardSumMs: Double
        public var torchForwardSumMs: Double?
        /// FunAudio's forward-sum time over PyTorch's, per round.
        public var forwardSumRatio: RatioEstimate?
        public var torchVersion: String?
        public var loadBefore: Double?, loadAfter: Double?

        enum CodingKeys: String, CodingKey {
            case batch, meanPhonemes = "mean_phonemes", meanFrames = "mean_frames"
            case trainStepMs = "train_step_ms", alignerMs = "aligner_ms", alignerShare = "aligner_share"
            case forwardSumMs = "forward_sum_ms", torchForwardSumMs = "torch_forward_sum_ms"
            case forwardSumRatio = "forward_sum_ratio", torchVersion = "torch_version"
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        public var text: String {
            var lines = [
                "batch \(batch), \(fixed(meanPhonemes)) phonemes and \(fixed(meanFrames)) frames on average",
                "training step      \(fixed(trainStepMs)) ms",
                "aligner fwd+bwd    \(fixed(alignerMs, 2)) ms  (\(fixed(100 * alignerShare)) % of the step)",
                "forward-sum        \(fixed(forwardSumMs, 2)) ms",
            ]
            if let torch = torchForwardSumMs, let ratio = forwardSumRatio {
                lines.append("torch ctc_loss     \(fixed(torch, 2)) ms  (PyTorch \(torchVersion ?? "?"))")
                lines.append("FunAudio / PyTorch \(ratio.text)")
            }
            lines.append("load average       \(loadBefore.map { fixed($0, 2) } ?? "?") → \(loadAfter.map { fixed($0, 2) } ?? "?")")
            return lines.joined(separator: "\n")
        }
    }

    /// Times `rounds` interleaved rounds. `model`'s aligner is timed when it has one, otherwise
    /// an aligner of the model's width; `progress` gets each finished round.
    public static func run(model config: ModelConfig, train: TrainConfig, shapes: Shapes = Shapes(), rounds: Int = 15,
                           repeats: Int = 5, withPeer: Bool, progress: (Int) -> Void = { _ in }) throws -> Report {
        Parallel.threadCount = train.threads
        let loadBefore = Measure.loadAverage
        let (textLengths, melLengths) = shapes.lengths()
        let utterances = syntheticUtterances(config, textLengths: textLengths, melLengths: melLengths)
        let model = FusionTTS(config, seed: train.seed)
        let trainer = try Trainer(model: model, config: train, train: utterances, validation: [])
        var generator = SplitMix64(seed: shapes.seed + 1)
        let aligner = Aligner(textChannels: config.dim, melChannels: config.features.nMels, generator: &generator)
        let (n, t) = (textLengths.max()!, melLengths.max()!)
        let text = Tensor.randn([shapes.batch, n, config.dim], generator: &generator)
        text.requiresGrad = true
        let mels = Tensor.randn([shapes.batch, t, config.features.nMels], generator: &generator)
        let logits = Tensor.randn([shapes.batch, t, n], generator: &generator)
        logits.requiresGrad = true

        let peer = try withPeer ? PeerSession(script: "bench_align.py", arguments: [
            "--text-lengths", textLengths.map(String.init).joined(separator: ","),
            "--mel-lengths", melLengths.map(String.init).joined(separator: ","),
            "--repeats", "\(repeats)", "--threads", "\(train.threads)",
        ]) : nil
        var step: [Double] = [], align: [Double] = [], forwardSum: [Double] = [], torch: [Double] = []
        for round in 0...rounds {   // round 0 warms both sides up and is not counted
            let s = try medianMs(repeats) { _ = try trainer.trainStep() }
            let a = try medianMs(repeats) {
                let out = try aligner(text: text, mels: mels, textLengths: textLengths, melLengths: melLengths,
                                      binarizationWeight: 1)
                out.loss.backward()
            }
            let f = try medianMs(repeats) {
                try forwardSumLoss(logits, textLengths: textLengths, melLengths: melLengths).backward()
            }
            let p = try peer.map { try $0.number("forward_sum_ms", in: $0.round()) }
            if round > 0 {
                step.append(s); align.append(a); forwardSum.append(f)
                if let p { torch.append(p) }
                progress(round)
            }
        }
        peer?.close()
        let torchVersion = peer?.ready["torch"].map(\.description)
        return Report(batch: shapes.batch,
                      meanPhonemes: Double(textLengths.reduce(0, +)) / Double(shapes.batch),
                      meanFrames: Double(melLengths.reduce(0, +)) / Double(shapes.batch),
                      trainStepMs: Measure.median(step), alignerMs: Measure.median(align),
                      alignerShare: Measure.median(zip(align, step).map { $0 / $1 }),
                      forwardSumMs: Measure.median(forwardSum),
                      torchForwardSumMs: torch.isEmpty ? nil : Measure.median(torch),
                      forwardSumRatio: torch.isEmpty ? nil : RatioEstimate(ours: forwardSum, peer: torch),
                      torchVersion: torchVersion, loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    /// Utterances of the given lengths with random mels and even durations: what a training
    /// step reads, without a corpus.
    static func syntheticUtterances(_ config: ModelConfig, textLengths: [Int], melLengths: [Int]) -> [Utterance] {
        var generator = SplitMix64(seed: 7)
        let bands = config.features.nMels
        return zip(textLengths, melLengths).enumerated().map { index, lengths in
            let (n, t) = lengths
            let tokens = (0..<n).map { _ in 1 + generator.next(below: config.symbols.count - 1) }
            let durations = (0..<n).map { i in t / n + (i < t % n ? 1 : 0) }
            let mel = { (frames: Int) in
                LogMel(frames: frames, bands: bands,
                       values: (0..<(frames * bands)).map { _ in Float(generator.nextUnit() * 4 - 6) })
            }
            return Utterance(id: "synthetic-\(index)", speaker: "s\(index % 4)", tokens: tokens, durations: durations,
                             mel: mel(t), reference: mel(t))
        }
    }

    private static func medianMs(_ repeats: Int, _ body: () throws -> Void) throws -> Double {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return Measure.median(times)
    }
}
