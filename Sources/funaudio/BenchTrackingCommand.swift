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
        let report = try TrackingBench.compare(directory: URL(fileURLWithPath: dir, isDirectory: true), points: points,
                                               steps: steps, pointsPerStep: pointsPerStep, withPeer: !noPeer)
        print(report.rendered(json: json))
    }
}
