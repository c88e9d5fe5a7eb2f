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

    @Option(help: "Timed training steps (half with logging off, half on; groups of 8).")
    var steps: Int = 64

    @Option(help: "Metric points recorded per training step when logging is on.")
    var pointsPerStep: Int = 100

    @Option(help: ArgumentHelp("Directory for the scratch databases.", valueName: "dir"))
    var dir: String = FileManager.default.temporaryDirectory.path

    @Flag(help: "Do not run the Python sqlite3 peer.")
    var noPeer = false

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

        let peerRate = noPeer ? nil : try TrackingBench.pythonPeer(
            python: Peer.python(), script: Peer.script("tracking.py"), points: comparisonPoints, directory: directory)

        let step = RefSmallTrainingStep()
        let overhead = try TrackingBench.stepOverhead(directory: directory, steps: steps, pointsPerStep: pointsPerStep) {
            try step()
        }
        let stepName = "ref-small training step (batch 16, Adam), the bench model of `bench train`"

        if json {
            var fields: [String] = [
                "\"points_per_s\": \(Int(throughput.pointsPerSecond))",
                "\"step_overhead_pct\": \(String(format: "%.3f", overhead.overheadPercent))",
                "\"step_overhead_cpu_pct\": \(String(format: "%.3f", overhead.cpuOverheadPercent))",
                "\"step_overhead_ci95_pct\": \(String(format: "%.3f", overhead.overheadCI95Percent))",
                "\"logging_cost_accounted_pct\": \(String(format: "%.4f", overhead.accountedPercent))",
                "\"writer_cpu_us_per_step\": \(String(format: "%.1f", overhead.writerCPUSecondsPerStep * 1e6))",
                "\"points\": \(throughput.points)",
                "\"points_per_cpu_s\": \(Int(throughput.pointsPerCPUSecond))",
                "\"record_ns_per_point\": \(String(format: "%.1f", throughput.recordingCPUSeconds / Double(throughput.points) * 1e9))",
                "\"rows_per_statement\": \(throughput.rowsPerStatement)",
                "\"points_per_s_by_rows_per_statement\": {"
                    + comparison.map { "\"\($0.rowsPerStatement)\": \(Int($0.pointsPerSecond))" }.joined(separator: ", ") + "}",
                "\"median_step_off_ms\": \(String(format: "%.3f", overhead.medianOffSeconds * 1000))",
                "\"median_step_on_ms\": \(String(format: "%.3f", overhead.medianOnSeconds * 1000))",
                "\"median_record_us_per_step\": \(String(format: "%.1f", overhead.medianRecordSeconds * 1e6))",
                "\"steps\": \(overhead.steps)",
                "\"load_average\": \(loadAverage)",
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
        print("  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage) "
              + "at the end (wall-clock rates shrink when other processes share the cores; CPU rates do not)")
        print(String(format: "  throughput: %.0f points/s sustained (%d points, 128 rows/statement, committed in %.2f s)",
                     throughput.pointsPerSecond, throughput.points, throughput.seconds))
        print(String(format: "    CPU: %.0f points per CPU-second (recording + writer threads); record() costs the training thread %.0f ns/point",
                     throughput.pointsPerCPUSecond, throughput.recordingCPUSeconds / Double(throughput.points) * 1e9))
        for c in comparison {
            print(String(format: "    %3d rows/statement: %9.0f points/s, %9.0f points/CPU-s (%d points)",
                         c.rowsPerStatement, c.pointsPerSecond, c.pointsPerCPUSecond, c.points))
        }
        if let peerRate {
            print(String(format: "    Python sqlite3 executemany (peer): %.0f points/s; FunAudio is %.2fx",
                         peerRate, throughput.pointsPerSecond / peerRate))
        } else {
            print("    Python peer skipped (--no-peer)")
        }
        print("  training step, \(stepName)")
        print(String(format: "    median %.2f ms logging off, %.2f ms logging on (%d points/step, %d steps)",
                     overhead.medianOffSeconds * 1000, overhead.medianOnSeconds * 1000,
                     overhead.pointsPerStep, overhead.steps))
        print(String(format: "    overhead %.2f %% ± %.2f %% (95 %%) wall clock, %.2f %% CPU time (median on/off ratio of off-on-on-off groups of 2-step blocks)",
                     overhead.overheadPercent, overhead.overheadCI95Percent, overhead.cpuOverheadPercent))
        print(String(format: "    counted: record() %.1f µs + writer thread %.1f µs CPU per step = %.4f %% of the step",
                     overhead.medianRecordSeconds * 1e6, overhead.writerCPUSecondsPerStep * 1e6, overhead.accountedPercent))
    }
}

/// The 1-minute load average (/proc/loadavg), to read wall-clock figures against.
private var loadAverage: String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").first.map(String.init) ?? "null"
}
