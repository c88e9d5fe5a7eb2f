import Foundation
import Tracking

/// `funaudio bench mpi`: what a second rank buys. Each round trains an experiment (the
/// quickstart by default: its data, model and batch; only `prepare` and `train` cells) for a
/// few steps as one process with one thread, then as `mpirun -n 2` with one thread per rank,
/// each time as a fresh `funaudio run` with its own scratch runs.db. A side's figure for the
/// round is the median of its steps' `train.utterances_per_s` (the first two steps left out:
/// warm-up), read back from that runs.db; the 2-rank side also gives the median
/// `train.allreduce_s`. Rounds interleave the sides (``Interleaved``), and the speed-up is the
/// median of the per-round ratios, two ranks over one; perfect scaling is 2.
public enum MPIBench {
    /// A side that could not run or recorded nothing, with what it printed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public struct Settings: Sendable {
        public var rounds = 5
        public var steps = 12
        public var experiment = "experiments/quickstart.yaml"
        /// The `funaudio` binary to run (this one, normally).
        public var executable: URL
        public var mpirun: String
        /// Built corpora and feature caches (`--cache`): shared by the rounds, built in round 0.
        public var cache = "corpora"
        public var directory: URL = FileManager.default.temporaryDirectory

        public init(executable: URL, mpirun: String) {
            self.executable = executable
            self.mpirun = mpirun
        }
    }

    public struct Report: BenchmarkReport {
        public var experiment: String
        public var steps: Int
        public var oneRank: Double
        public var twoRanks: Double
        /// Two ranks' throughput over one rank's, round by round.
        public var speedup: RatioEstimate
        public var allreduceMs: Double
        public var loadBefore: Double?, loadAfter: Double?

        enum Keys: String, CodingKey {
            case experiment, steps, oneRank = "one_rank_utterances_per_s", twoRanks = "two_ranks_utterances_per_s"
            case speedup, efficiency = "scaling_efficiency", allreduceMs = "allreduce_ms_per_step"
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(experiment, forKey: .experiment)
            try c.encode(steps, forKey: .steps)
            try c.encode(oneRank, forKey: .oneRank)
            try c.encode(twoRanks, forKey: .twoRanks)
            try c.encode(speedup, forKey: .speedup)
            try c.encode(speedup.median / 2, forKey: .efficiency)
            try c.encode(allreduceMs, forKey: .allreduceMs)
            try c.encodeIfPresent(loadBefore, forKey: .loadBefore)
            try c.encodeIfPresent(loadAfter, forKey: .loadAfter)
        }

        public var text: String {
            """
            MPI benchmark: \(experiment), \(steps) steps per side and round, 1 thread per rank
              1 rank:  \(fixed(oneRank, 2)) utterances/s
              2 ranks: \(fixed(twoRanks, 2)) utterances/s, allreduce \(fixed(allreduceMs, 2)) ms per step
              speed-up (2 ranks / 1 rank): \(speedup.text); scaling efficiency \(fixed(speedup.median / 2, 2))
              load average \(loadText(loadBefore, loadAfter))
            """
        }
    }

    public static func run(_ settings: Settings, progress: (Int) -> Void = { _ in }) throws -> Report {
        let scratch = settings.directory.appendingPathComponent("funaudio-bench-mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let experiment = URL(fileURLWithPath: settings.experiment).standardizedFileURL
        guard FileManager.default.fileExists(atPath: experiment.path) else {
            throw Failure("bench mpi: \(settings.experiment) does not exist (run from the checkout, or pass --experiment)")
        }
        let file = scratch.appendingPathComponent("bench.yaml")
        try Data("""
            extends: \(experiment.path)
            train: {steps: \(settings.steps), threads: 1, validate_every: 1000000, checkpoint_every: 1000000}
            cells:
              - {kind: prepare}
              - {kind: train}
            """.utf8).write(to: file)
        let loadBefore = Measure.loadAverage
        var index = 0
        let figures = try Interleaved.run(rounds: settings.rounds, peer: nil, ours: {
            index += 1
            let one = try side(file, launcher: [], settings: settings, database: scratch.appendingPathComponent("one-\(index).db"))
            let two = try side(file, launcher: [settings.mpirun, "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", "2"],
                               settings: settings, database: scratch.appendingPathComponent("two-\(index).db"))
            return ["one": one.throughput, "two": two.throughput, "allreduce_ms": 1000 * two.allreduce]
        }, progress: progress)
        return Report(experiment: settings.experiment, steps: settings.steps, oneRank: figures.median(ours: "one"),
                      twoRanks: figures.median(ours: "two"),
                      speedup: RatioEstimate(ours: figures.ours["two"] ?? [], peer: figures.ours["one"] ?? []),
                      allreduceMs: figures.median(ours: "allreduce_ms"), loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    /// One `funaudio run` of `file` (through `launcher` if any): its median step throughput
    /// and allreduce seconds (0 for one process), steps 3 onwards.
    static func side(_ file: URL, launcher: [String], settings: Settings, database: URL) throws
        -> (throughput: Double, allreduce: Double) {
        let process = Process()
        let arguments = ["run", file.path, "--force", "--db", database.path, "--cache", settings.cache,
                         "--reports", database.deletingLastPathComponent().appendingPathComponent("reports").path]
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [settings.executable.path] + arguments
        } else {
            process.executableURL = settings.executable
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = environment["OMPI_MCA_btl_vader_single_copy_mechanism"] ?? "none"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("bench mpi: `\((process.arguments ?? []).joined(separator: " "))` failed:\n"
                             + String(decoding: printed.suffix(2000), as: UTF8.self))
        }
        let store = try RunStore(path: database.path, create: false)
        let run = try store.resolveRun("1")
        let steps = { (key: String) throws -> [Double] in
            try store.metricSeries(run: run, key: key).filter { $0.step > 2 }.compactMap(\.value)
        }
        let throughput = try steps("train.utterances_per_s")
        guard !throughput.isEmpty else { throw Failure("bench mpi: no step past the second was recorded (raise --steps)") }
        return (Measure.median(throughput), launcher.isEmpty ? 0 : Measure.median(try steps("train.allreduce_s")))
    }
}
