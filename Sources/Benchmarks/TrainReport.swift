import Foundation
import NN
import Tensor

extension TrainBenchmark {
    /// PyTorch's figures for the same model and batch (`scripts/peers/bench_train.py`): medians
    /// over the same rounds, eager and, when it works on this machine, `torch.compile`d.
    public struct PeerResult: Codable, Sendable {
        public var trainStepMilliseconds: Double
        public var inferMilliseconds: Double
        public var compiledTrainStepMilliseconds: Double?
        public var compiledInferMilliseconds: Double?
        /// "ok", or why `torch.compile` gave no figures here.
        public var compile: String
        public var sgemmGflops: Double
        public var lossFirst: Double, lossLast: Double
        public var params: Int
        public var threads: Int
        public var torch: String

        enum CodingKeys: String, CodingKey {
            case params, threads, torch, compile
            case trainStepMilliseconds = "train_step_ms", inferMilliseconds = "infer_ms"
            case compiledTrainStepMilliseconds = "compiled_train_step_ms", compiledInferMilliseconds = "compiled_infer_ms"
            case sgemmGflops = "sgemm_gflops", lossFirst = "loss_first", lossLast = "loss_last"
        }
    }

    /// `funaudio bench train`: FunAudio's ``Result`` beside PyTorch's, and the per-round ratios
    /// FunAudio / PyTorch (below 1: FunAudio is faster) with their 95 % intervals.
    public struct Report: BenchmarkReport {
        public var result: Result
        public var rounds: Int, repeats: Int, inferRepeats: Int
        public var peer: PeerResult?
        public var trainStepRatio: RatioEstimate?, inferRatio: RatioEstimate?
        public var compiledTrainStepRatio: RatioEstimate?, compiledInferRatio: RatioEstimate?
        public var loadBefore: Double?, loadAfter: Double?

        enum Keys: String, CodingKey {
            case peer, rounds, repeats, inferRepeats = "infer_repeats"
            case trainStepRatio = "train_step_ratio", inferRatio = "infer_ratio"
            case compiledTrainStepRatio = "compiled_train_step_ratio", compiledInferRatio = "compiled_infer_ratio"
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        /// FunAudio's figures at the top level, PyTorch's under `peer`, then the ratios.
        public func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(rounds, forKey: .rounds)
            try c.encode(repeats, forKey: .repeats)
            try c.encode(inferRepeats, forKey: .inferRepeats)
            try c.encodeIfPresent(peer, forKey: .peer)
            try c.encodeIfPresent(trainStepRatio, forKey: .trainStepRatio)
            try c.encodeIfPresent(inferRatio, forKey: .inferRatio)
            try c.encodeIfPresent(compiledTrainStepRatio, forKey: .compiledTrainStepRatio)
            try c.encodeIfPresent(compiledInferRatio, forKey: .compiledInferRatio)
            try c.encodeIfPresent(loadBefore, forKey: .loadBefore)
            try c.encodeIfPresent(loadAfter, forKey: .loadAfter)
        }

        public var text: String {
            var lines = ["""
                ref-small: \(result.params) parameters, batch 16; \(rounds) interleaved rounds after one warm-up \
                (\(repeats) training steps and \(inferRepeats) inferences each, medians)
                  loss          first step \(fixed(Double(result.lossFirst), 4)), last step \(fixed(Double(result.lossLast), 4))
                  train step    \(fixed(result.trainStepMilliseconds)) ms  (\(fixed(result.gflops)) GFLOP/s; sgemm ceiling \(fixed(result.sgemmGflops)) GFLOP/s)
                  inference     \(fixed(result.inferMilliseconds, 2)) ms  (batch 1)\(result.threadSpeedup.map { speedup in
                    "\n  one thread    train step \(fixed(result.oneThreadTrainStepMilliseconds ?? .nan)) ms: "
                        + "\(Parallel.threadCount) threads are \(fixed(speedup, 2))× as fast" } ?? "")
                  peak memory   \(fixed(result.peakRSSMegabytes, 0)) MB
                """]
            if let peer {
                lines.append("PyTorch \(peer.torch) (\(peer.threads) threads, sgemm \(fixed(peer.sgemmGflops)) GFLOP/s), "
                             + "loss first \(fixed(peer.lossFirst, 4)), last \(fixed(peer.lossLast, 4))")
                lines.append("  eager         train step \(fixed(peer.trainStepMilliseconds)) ms, inference \(fixed(peer.inferMilliseconds, 2)) ms")
                if let train = peer.compiledTrainStepMilliseconds, let infer = peer.compiledInferMilliseconds {
                    lines.append("  torch.compile train step \(fixed(train)) ms, inference \(fixed(infer, 2)) ms")
                } else {
                    lines.append("  torch.compile gave no figures here (\(peer.compile)); ratios are against eager only")
                }
                lines.append("FunAudio / PyTorch (median of per-round ratios, 95 % interval):")
                for (name, ratio) in [("train step / eager", trainStepRatio), ("inference / eager", inferRatio),
                                      ("train step / compile", compiledTrainStepRatio),
                                      ("inference / compile", compiledInferRatio)] {
                    if let ratio { lines.append("  \(name.padding(toLength: 21, withPad: " ", startingAt: 0))\(ratio.text)") }
                }
            }
            lines.append("load average \(loadText(loadBefore, loadAfter))")
            return lines.joined(separator: "\n")
        }
    }

    /// Times FunAudio and, unless `withPeer` is false, PyTorch in interleaved rounds on the
    /// same workload; `progress` gets each counted round.
    public static func compare(_ settings: Settings = Settings(), withPeer: Bool,
                               progress: (Int) -> Void = { _ in }) throws -> Report {
        let peer = try withPeer ? PeerSession(script: "bench_train.py", arguments: [
            "--repeats", "\(settings.repeats)", "--infer-repeats", "\(settings.inferRepeats)",
            "--threads", "\(Parallel.threadCount)",
        ] + (settings.compile ? [] : ["--no-compile"])) : nil
        return try compare(settings, peer: peer, progress: progress)
    }

    /// The rounds against any peer that speaks the protocol (tests use a fake one).
    static func compare(_ settings: Settings, peer: PeerSession?, progress: (Int) -> Void = { _ in }) throws -> Report {
        let loadBefore = Measure.loadAverage
        let config = settings.config
        let step = RefSmallTrainingStep(config)
        let inference = RefSmallInference(config, firstItemOf: step)
        let sgemm = sgemmCeiling()
        var losses: [Float] = []
        let threads = Parallel.threadCount
        let figures = try Interleaved.run(rounds: settings.rounds, peer: peer, ours: {
            let train = try Interleaved.medianMs(settings.repeats) { losses.append(try step()) }
            let infer = Interleaved.medianMs(settings.inferRepeats) { inference() }
            guard threads > 1 else { return ["train_step_ms": train, "infer_ms": infer] }
            // The same step on one thread, in the same round: how well the threads scale.
            Parallel.threadCount = 1
            defer { Parallel.threadCount = threads }
            let single = try Interleaved.medianMs(settings.repeats) { losses.append(try step()) }
            return ["train_step_ms": train, "infer_ms": infer, "one_thread_train_step_ms": single, "thread_speedup": single / train]
        }, progress: progress)
        peer?.close()

        let stepMs = figures.median(ours: "train_step_ms")
        let result = Result(params: step.model.parameterCount, trainStepMilliseconds: stepMs,
                            inferMilliseconds: figures.median(ours: "infer_ms"),
                            gflops: 3 * config.forwardFLOPs(batch: config.batch) / (stepMs * 1e6), sgemmGflops: sgemm,
                            peakRSSMegabytes: peakResidentMegabytes(), lossFirst: losses.first ?? .nan,
                            lossLast: losses.last ?? .nan, steps: settings.rounds * settings.repeats,
                            oneThreadTrainStepMilliseconds: threads > 1 ? figures.median(ours: "one_thread_train_step_ms") : nil,
                            threadSpeedup: threads > 1 ? figures.median(ours: "thread_speedup") : nil)
        return Report(result: result, rounds: settings.rounds, repeats: settings.repeats,
                      inferRepeats: settings.inferRepeats, peer: try peer.map { try peerResult($0, figures) },
                      trainStepRatio: figures.ratio("train_step_ms", over: "train_step_ms"),
                      inferRatio: figures.ratio("infer_ms", over: "infer_ms"),
                      compiledTrainStepRatio: figures.ratio("train_step_ms", over: "compiled_train_step_ms"),
                      compiledInferRatio: figures.ratio("infer_ms", over: "compiled_infer_ms"),
                      loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    /// The peer's medians and what it said when it became ready.
    static func peerResult(_ peer: PeerSession, _ figures: RoundFigures) throws -> PeerResult {
        let ready = peer.ready
        guard let train = figures.median(peer: "train_step_ms"), let infer = figures.median(peer: "infer_ms") else {
            throw Peer.Failure(description: "bench_train.py printed no train_step_ms or infer_ms in some round")
        }
        return PeerResult(trainStepMilliseconds: train, inferMilliseconds: infer,
                          compiledTrainStepMilliseconds: figures.median(peer: "compiled_train_step_ms"),
                          compiledInferMilliseconds: figures.median(peer: "compiled_infer_ms"),
                          compile: ready["compile"]?.description ?? "?",
                          sgemmGflops: try peer.number("sgemm_gflops", in: ready),
                          lossFirst: try peer.number("loss_first", in: ready),
                          lossLast: figures.peer["loss"]?.last ?? .nan,
                          params: Int(try peer.number("params", in: ready)),
                          threads: Int(try peer.number("threads", in: ready)),
                          torch: ready["torch"]?.description ?? "?")
    }
}
