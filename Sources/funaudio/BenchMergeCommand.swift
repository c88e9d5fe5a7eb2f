import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench merge`: metric points per second that `funaudio merge` copies from shards.
struct BenchMerge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Time merging Slurm shards into runs.db (points/s), and two merges at once.")

    @Option(help: "Shards to merge.")
    var shards: Int = 64

    @Option(help: "Metric points in each shard.")
    var points: Int = 10_000

    @Option(help: ArgumentHelp("Directory for the scratch shards and databases.", valueName: "dir"))
    var dir: String = FileManager.default.temporaryDirectory.path

    @Flag(help: "Print JSON (keys points_per_s, seconds, integrity, …) instead of text.")
    var json = false

    func validate() throws {
        guard shards > 0, points > 0 else { throw ValidationError("--shards and --points must be > 0") }
    }

    func run() throws {
        let report = try MergeBench.run(shards: shards, pointsPerShard: points,
                                        directory: URL(fileURLWithPath: dir, isDirectory: true))
        print(report.rendered(json: json))
    }
}
