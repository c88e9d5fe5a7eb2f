import Foundation
import Models
import NN
import Tensor

/// `funaudio bench align`: what the learned aligner costs a training step, and its forward-sum
/// loss against PyTorch's `ctc_loss` on the same shapes.
///
/// A synthetic batch with the lengths of the built-in corpus (phonemes drawn in
/// `textLengths`, about `framesPerPhoneme` mel frames each, no durations), timed in interleaved
/// rounds: each round times FunAudio's training step of the given model (which learns its
/// durations), its aligner alone (phoneme embeddings, the two encoders, distance matrix, prior,
/// soft attention, forward-sum, MAS, binarization, and their backward), the aligner after its
/// encoders (the issue's list: distance matrix, prior, soft attention, forward-sum, MAS,
/// binarization and their backward, from fixed keys and queries) and the forward-sum alone
/// (forward and backward), then the peer's `ctc_loss` forward-sum (forward and backward) in
/// `scripts/peers/bench_align.py`. Each figure of a round is the median of `repeats` calls.
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
        /// Median ms of the aligner after its encoders, forward and backward, and its share of a step.
        public var alignerCoreMs: Double, alignerCoreShare: Double
        public var forwardSumMs: Double
        public var torchForwardSumMs: Double?
        /// FunAudio's forward-sum time over PyTorch's, per round.
        public var forwardSumRatio: RatioEstimate?
        public var torchVersion: String?
        public var loadBefore: Double?, loadAfter: Double?

        enum CodingKeys: String, CodingKey {
            case batch, meanPhonemes = "mean_phonemes", meanFrames = "mean_frames"
            case trainStepMs = "train_step_ms", alignerMs = "aligner_ms", alignerShare = "aligner_share"
            case alignerCoreMs = "aligner_core_ms", alignerCoreShare = "aligner_core_share"
            case forwardSumMs = "forward_sum_ms", torchForwardSumMs = "torch_forward_sum_ms"
            case forwardSumRatio = "forward_sum_ratio", torchVersion = "torch_version"
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        public var text: String {
            var lines = [
                "batch \(batch), \(fixed(meanPhonemes)) phonemes and \(fixed(meanFrames)) frames on average",
                "training step      \(fixed(trainStepMs)) ms",
                "aligner fwd+bwd    \(fixed(alignerMs, 2)) ms  (\(fixed(100 * alignerShare)) % of the step)",
                "  after encoders   \(fixed(alignerCoreMs, 2)) ms  (\(fixed(100 * alignerCoreShare)) % of the step)",
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

    /// Times `rounds` interleaved rounds of `model` (its configuration must have an aligner:
    /// durations learned) training on a synthetic batch; `progress` gets each counted round.
    public static func run(model config: ModelConfig, train: TrainConfig, shapes: Shapes = Shapes(), rounds: Int = 15,
                           repeats: Int = 5, withPeer: Bool, progress: (Int) -> Void = { _ in }) throws -> Report {
        guard config.aligner != nil else { throw Peer.Failure(description: "bench align needs a model that learns its durations") }
        Parallel.threadCount = train.threads
        let loadBefore = Measure.loadAverage
        let (textLengths, melLengths) = shapes.lengths()
        let utterances = syntheticUtterances(config, textLengths: textLengths, melLengths: melLengths)
        let model = FusionTTS(config, seed: train.seed)
        let trainer = try Trainer(model: model, config: train, train: utterances, validation: [])
        let batch = model.batch(utterances)
        var generator = SplitMix64(seed: shapes.seed + 1)
        let logits = Tensor.randn([shapes.batch, melLengths.max()!, textLengths.max()!], generator: &generator)
        logits.requiresGrad = true
        let aligner = model.aligner!
        let text = Tensor.randn([shapes.batch, textLengths.max()!, config.dim], generator: &generator)
        let encoded = noGrad { aligner.encoder.encode(text: text, mels: batch.mel) }
        let (keys, queries) = (encoded.keys.detached(), encoded.queries.detached())
        keys.requiresGrad = true
        queries.requiresGrad = true

        let peer = try withPeer ? PeerSession(script: "bench_align.py", arguments: [
            "--text-lengths", textLengths.map(String.init).joined(separator: ","),
            "--mel-lengths", melLengths.map(String.init).joined(separator: ","),
            "--repeats", "\(repeats)", "--threads", "\(train.threads)",
        ]) : nil
        defer { peer?.close() }
        let figures = try Interleaved.run(rounds: rounds, peer: peer, ours: {
            let step = try Interleaved.medianMs(repeats) { _ = try trainer.trainStep() }
            let alignerMs = try Interleaved.medianMs(repeats) {
                model.zeroGrad()
                try model.align(batch, binarizationWeight: 1).loss.backward()
            }
            let core = try Interleaved.medianMs(repeats) {
                try aligner.align(keys: keys, queries: queries, textLengths: textLengths, melLengths: melLengths,
                                  binarizationWeight: 1).loss.backward()
            }
            let forwardSum = try Interleaved.medianMs(repeats) {
                try forwardSumLoss(logits, textLengths: textLengths, melLengths: melLengths).backward()
            }
            return ["train_step_ms": step, "aligner_ms": alignerMs, "forward_sum_ms": forwardSum,
                    "aligner_share": alignerMs / step, "aligner_core_ms": core, "aligner_core_share": core / step]
        }, progress: progress)
        return Report(batch: shapes.batch,
                      meanPhonemes: Double(textLengths.reduce(0, +)) / Double(shapes.batch),
                      meanFrames: Double(melLengths.reduce(0, +)) / Double(shapes.batch),
                      trainStepMs: figures.median(ours: "train_step_ms"), alignerMs: figures.median(ours: "aligner_ms"),
                      alignerShare: figures.median(ours: "aligner_share"),
                      alignerCoreMs: figures.median(ours: "aligner_core_ms"),
                      alignerCoreShare: figures.median(ours: "aligner_core_share"),
                      forwardSumMs: figures.median(ours: "forward_sum_ms"),
                      torchForwardSumMs: figures.median(peer: "forward_sum_ms"),
                      forwardSumRatio: figures.ratio("forward_sum_ms", over: "forward_sum_ms"),
                      torchVersion: peer?.ready["torch"].map(\.description),
                      loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    /// Utterances of the given lengths with random mels and no durations: what a training step
    /// with learned durations reads, without a corpus.
    static func syntheticUtterances(_ config: ModelConfig, textLengths: [Int], melLengths: [Int]) -> [Utterance] {
        var generator = SplitMix64(seed: 7)
        let bands = config.features.nMels
        return zip(textLengths, melLengths).enumerated().map { index, lengths in
            let (n, t) = lengths
            let tokens = (0..<n).map { _ in 1 + generator.next(below: config.symbols.count - 1) }
            let mel = { (frames: Int) in
                LogMel(frames: frames, bands: bands,
                       values: (0..<(frames * bands)).map { _ in Float(generator.nextUnit() * 4 - 6) })
            }
            return Utterance(id: "synthetic-\(index)", speaker: "s\(index % 4)", tokens: tokens, durations: nil,
                             mel: mel(t), reference: mel(t))
        }
    }
}
