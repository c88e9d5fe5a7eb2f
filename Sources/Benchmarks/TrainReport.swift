import Foundation

extension TrainBenchmark {
    /// PyTorch's figures for the same model, batch and steps (`scripts/peers/bench_train.py`).
    public struct PeerResult: Codable, Sendable {
        public var trainStepMilliseconds: Double
        public var inferMilliseconds: Double
        public var sgemmGflops: Double
        public var lossFirst: Double, lossLast: Double
        public var params: Int
        public var threads: Int
        public var torch: String

        enum CodingKeys: String, CodingKey {
            case params, threads, torch
            case trainStepMilliseconds = "train_step_ms", inferMilliseconds = "infer_ms"
            case sgemmGflops = "sgemm_gflops", lossFirst = "loss_first", lossLast = "loss_last"
        }
    }

    /// `funaudio bench train`: FunAudio's ``Result`` beside PyTorch's, and their ratios.
    ///
    /// On a shared machine the two runs may see different loads; each side's sgemm rate,
    /// measured in its own run, also gives the ratios at equal ceilings.
    public struct Report: BenchmarkReport {
        public var result: Result
        public var warmup: Int
        public var peer: PeerResult?

        public var trainStepRatio: Double? { peer.map { result.trainStepMilliseconds / $0.trainStepMilliseconds } }
        public var inferRatio: Double? { peer.map { result.inferMilliseconds / $0.inferMilliseconds } }
        /// FunAudio's sgemm ceiling over PyTorch's: multiplies a ratio to put both at one ceiling.
        var ceilings: Double? { peer.map { result.sgemmGflops / $0.sgemmGflops } }

        enum Keys: String, CodingKey {
            case peer, trainStepRatio = "train_step_ratio", inferRatio = "infer_ratio"
            case trainStepRatioEqualCeiling = "train_step_ratio_equal_ceiling"
            case inferRatioEqualCeiling = "infer_ratio_equal_ceiling"
        }

        /// FunAudio's figures at the top level, PyTorch's under `peer`, then the ratios.
        public func encode(to encoder: any Encoder) throws {
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(peer, forKey: .peer)
            try c.encodeIfPresent(trainStepRatio, forKey: .trainStepRatio)
            try c.encodeIfPresent(inferRatio, forKey: .inferRatio)
            if let ceilings, let trainStepRatio, let inferRatio {
                try c.encode(trainStepRatio * ceilings, forKey: .trainStepRatioEqualCeiling)
                try c.encode(inferRatio * ceilings, forKey: .inferRatioEqualCeiling)
            }
        }

        public var text: String {
            var lines = ["""
                ref-small: \(result.params) parameters, batch 16, \(result.steps) timed steps after \(warmup) warm-up
                  loss          first step \(fixed(Double(result.lossFirst), 4)), last step \(fixed(Double(result.lossLast), 4))
                  train step    \(fixed(result.trainStepMilliseconds)) ms  (\(fixed(result.gflops)) GFLOP/s; sgemm ceiling \(fixed(result.sgemmGflops)) GFLOP/s)
                  inference     \(fixed(result.inferMilliseconds, 2)) ms  (batch 1)
                  peak memory   \(fixed(result.peakRSSMegabytes, 0)) MB
                """]
            if let peer, let trainStepRatio, let inferRatio, let ceilings {
                lines.append("""
                    PyTorch \(peer.torch) (\(peer.threads) threads): train step \(fixed(peer.trainStepMilliseconds)) ms, inference \(fixed(peer.inferMilliseconds, 2)) ms
                      ratio Swift/PyTorch: train step \(fixed(trainStepRatio, 2)), inference \(fixed(inferRatio, 2))
                      at equal sgemm ceilings (PyTorch's run measured \(fixed(peer.sgemmGflops)) GFLOP/s): \
                    train step \(fixed(trainStepRatio * ceilings, 2)), inference \(fixed(inferRatio * ceilings, 2))
                    """)
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Times FunAudio (``run(config:steps:warmup:inferRepeats:progress:)``), then PyTorch
    /// on the same workload unless `withPeer` is false.
    public static func compare(steps: Int, warmup: Int, withPeer: Bool,
                               progress: (Int, Float) -> Void = { _, _ in }) throws -> Report {
        let result = try run(steps: steps, warmup: warmup, progress: progress)
        let peer = withPeer ? try Peer.decode(PeerResult.self, from: "bench_train.py",
                                              arguments: ["--steps", String(steps), "--warmup", String(warmup)]) : nil
        return Report(result: result, warmup: warmup, peer: peer)
    }
}
