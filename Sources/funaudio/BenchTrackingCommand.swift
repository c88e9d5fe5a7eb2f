import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench tracking`: metric points per second into runs.db, and the cost of logging
/// to a training step.
struct BenchTracking: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracking",
        abstract: "Time the runs.db metric writer (points/s) and its overhead on a training step.")

    @Option(help: "Metric points for the throughput measurement.")
    var points: Int = 4_000_000

    @Option(help: "Timed training steps (half with logging off, half on).")
    var steps: Int = 24

    @Option(help: "Metric points recorded per training step when logging is on.")
    var pointsPerStep: Int = 100

    @Option(help: ArgumentHelp("Directory for the scratch databases.", valueName: "dir"))
    var dir: String = FileManager.default.temporaryDirectory.path

    @Flag(help: "Print JSON (keys points_per_s, step_overhead_pct, …) instead of text.")
    var json = false

    func validate() throws {
        guard points > 0, steps >= 4, pointsPerStep >= 0 else {
            throw ValidationError("--points must be > 0, --steps >= 4, --points-per-step >= 0")
        }
    }

    func run() throws {
        let directory = URL(fileURLWithPath: dir, isDirectory: true)
        let comparisonPoints = min(points, 1_000_000)
        let comparison = try [1, 16, 64, 256].map {
            try TrackingBench.throughput(directory: directory, points: comparisonPoints, rowsPerStatement: $0)
        }
        let throughput = try TrackingBench.throughput(directory: directory, points: points, rowsPerStatement: 128)

        let peer = PythonPeer.find(script: "tracking.py")
        let peerRate = try peer.map {
            try TrackingBench.pythonPeer(python: $0.python, script: $0.script, points: comparisonPoints, directory: directory)
        }

        // Stand-in until the real training step (bench model ref-small) is plugged in.
        let step = SgemmStandInStep()
        let overhead = try TrackingBench.stepOverhead(directory: directory, steps: steps, pointsPerStep: pointsPerStep) {
            step()
        }
        let stepName = "stand-in step: \(step.repeats) x sgemm \(step.n)^3 on OpenBLAS "
            + String(format: "(%.1f GFLOP), not yet the ref-small training step", step.flops / 1e9)

        if json {
            var fields: [String] = [
                "\"points_per_s\": \(Int(throughput.pointsPerSecond))",
                "\"step_overhead_pct\": \(String(format: "%.3f", overhead.overheadPercent))",
                "\"points\": \(throughput.points)",
                "\"rows_per_statement\": \(throughput.rowsPerStatement)",
                "\"points_per_s_by_rows_per_statement\": {"
                    + comparison.map { "\"\($0.rowsPerStatement)\": \(Int($0.pointsPerSecond))" }.joined(separator: ", ") + "}",
                "\"median_step_off_ms\": \(String(format: "%.3f", overhead.medianOffSeconds * 1000))",
                "\"median_step_on_ms\": \(String(format: "%.3f", overhead.medianOnSeconds * 1000))",
                "\"steps\": \(overhead.steps)",
                "\"points_per_step\": \(overhead.pointsPerStep)",
                "\"step\": \"\(stepName)\"",
            ]
            if let peerRate {
                fields.append("\"peer_python_sqlite3_points_per_s\": \(Int(peerRate))")
                fields.append("\"ratio_vs_peer\": \(String(format: "%.2f", throughput.pointsPerSecond / peerRate))")
            }
            print("{" + fields.joined(separator: ", ") + "}")
            return
        }
        print("Tracking benchmark (scratch databases in \(directory.path))")
        print(String(format: "  throughput: %.0f points/s sustained (%d points, 128 rows/statement, committed in %.2f s)",
                     throughput.pointsPerSecond, throughput.points, throughput.seconds))
        for c in comparison {
            print(String(format: "    %3d rows/statement: %9.0f points/s (%d points)",
                         c.rowsPerStatement, c.pointsPerSecond, c.points))
        }
        if let peerRate {
            print(String(format: "    Python sqlite3 executemany (peer): %.0f points/s; FunAudio is %.2fx",
                         peerRate, throughput.pointsPerSecond / peerRate))
        } else {
            print("    Python peer skipped: no python found (scripts/install-peers)")
        }
        print("  training step, \(stepName)")
        print(String(format: "    median %.2f ms logging off, %.2f ms logging on (%d points/step, %d steps): overhead %.2f %%",
                     overhead.medianOffSeconds * 1000, overhead.medianOnSeconds * 1000,
                     overhead.pointsPerStep, overhead.steps, overhead.overheadPercent))
    }
}

/// The python of `scripts/install-peers` (or `$FUNAUDIO_PYTHON`, or python3) and a peer script
/// under `scripts/peers/`, found from the current directory or the executable upwards.
struct PythonPeer {
    var python: String
    var script: URL

    static func find(script name: String) -> PythonPeer? {
        let env = ProcessInfo.processInfo.environment
        let venv = env["FUNAUDIO_PEERS"] ?? (NSHomeDirectory() + "/.cache/funaudio/peers")
        let candidates = [env["FUNAUDIO_PYTHON"], venv + "/bin/python", "/usr/bin/python3"].compactMap { $0 }
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        for start in starts {
            var dir = start.standardizedFileURL
            while dir.path != "/" {
                let candidate = dir.appendingPathComponent("scripts/peers/\(name)")
                if FileManager.default.fileExists(atPath: candidate.path) { return PythonPeer(python: python, script: candidate) }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }
}
