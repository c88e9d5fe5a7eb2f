import ArgumentParser
import Foundation
import Tracking

/// `funaudio merge`: shards written by Slurm tasks into runs.db.
struct MergeShards: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shards (the runs.db of each Slurm task) into runs.db.",
        discussion: """
            A shard is an ordinary runs.db, with its runs.db-blobs folder, written by one task of \
            `funaudio run FILE --slurm`. Runs get new ids here; sweep ids, params, metrics, cells, \
            logs, artifacts and statuses are copied exactly. Merging the same shard again adds \
            nothing; a shard whose run was still running is merged as far as it got and can be \
            merged again later. Each shard is merged in one transaction. See docs/cluster.md.

            Examples:
              funaudio merge --from shards
              funaudio merge shards/fusion-ablation-1764170000/3 --db results/runs.db
            """)

    @Option(help: ArgumentHelp("Merge every runs.db found under this folder.", valueName: "dir"))
    var from: String?

    @Argument(help: ArgumentHelp("Shards: runs.db files or the folders holding them.", valueName: "shard"))
    var shards: [String] = []

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (from == nil) != shards.isEmpty else {
            throw ValidationError("give either --from DIR or one or more shards")
        }
    }

    func run() throws {
        let paths = try from.map { try ShardFile.find(in: $0) } ?? shards.map(ShardFile.resolve)
        guard !paths.isEmpty else {
            print("no shards (runs.db files) under \(from ?? "")")
            return
        }
        let store = try database.open(create: true)
        // `--from .` finds runs.db itself too: it is the target, not a shard.
        let target = URL(fileURLWithPath: store.path).standardizedFileURL.path
        let summary = try store.merge(shards: from == nil ? paths : paths.filter { $0 != target })
        for run in summary.runs {
            print("\(run.shard) run \(run.shardRunID) → run \(run.runID): \(run.status.rawValue) (\(run.change))")
        }
        print("merged \(summary.shards) shards into \(store.path): \(summary.count("added")) runs added, "
            + "\(summary.count("updated")) updated, \(summary.count("unchanged")) unchanged; "
            + "\(summary.points) metric points, \(summary.artifacts) artifacts (\(summary.newBlobs) new blobs)")
    }
}
