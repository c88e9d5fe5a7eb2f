import ArgumentParser
import Cluster
import Experiments
import Foundation
import Ranks
import Tracking

/// The options of `funaudio run FILE --slurm`.
struct SlurmOptions: ParsableArguments {
    @Flag(help: "Submit the run or sweep to Slurm: one array task per point, each writing its own shard (docs/cluster.md).")
    var slurm = false

    @Option(help: ArgumentHelp("Slurm partition of the tasks and the merge job (with --slurm).", valueName: "name"))
    var partition: String?

    @Option(help: ArgumentHelp("Time limit of each task, as sbatch takes it: 30, 2:00:00, 1-0 (with --slurm).",
                               valueName: "time"))
    var time: String?

    @Option(help: ArgumentHelp("At most K tasks of the sweep at once (with --slurm).", valueName: "k"))
    var arrayParallelism: Int?

    @Option(help: ArgumentHelp("Shared folder for the shards; default: shards/ beside runs.db (with --slurm).",
                               valueName: "dir"))
    var shards: String?

    @Argument(parsing: .postTerminator, help: ArgumentHelp(
        "More sbatch options after --, e.g. -- --account=speech --qos=short (with --slurm).", valueName: "sbatch-option"))
    var sbatchOptions: [String] = []

    func validate() throws {
        if !slurm, partition != nil || time != nil || arrayParallelism != nil || shards != nil || !sbatchOptions.isEmpty {
            throw ValidationError("--partition, --time, --array-parallelism, --shards and sbatch options go with --slurm")
        }
        if let arrayParallelism, arrayParallelism < 1 {
            throw ValidationError("--array-parallelism must be at least 1")
        }
    }

    /// Submits `experiments` and says where their shards and results go.
    func submit(_ experiments: [Experiment], runner: Runner, output: OutputOptions, force: Bool) throws {
        let database = URL(fileURLWithPath: runner.store.path)
        let root = shards.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? database.deletingLastPathComponent().appendingPathComponent("shards", isDirectory: true)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var submission = SlurmSubmission(partition: partition, time: time, arrayParallelism: arrayParallelism,
                                         shardsRoot: root, extraOptions: sbatchOptions, executable: executable,
                                         cacheDirectory: URL(fileURLWithPath: output.cache).standardizedFileURL)
        submission.force = force
        let sweep = try submission.submit(experiments, runner: runner)
        let atOnce = arrayParallelism.map { ", \($0) at a time" } ?? ""
        let tasks = experiments.count == 1 ? "1 task" : "\(experiments.count) tasks"
        print("sweep \(sweep.sweepID): Slurm job \(sweep.jobIDs[0]) (\(tasks)\(atOnce))")
        print("  shards: \(sweep.folder)/<point>/runs.db (Slurm output beside each)")
        print("  merge job \(sweep.mergeJobIDs[0]) merges them into \(sweep.database) when every task has ended")
        print("  `funaudio list` shows the tasks; `funaudio resume --sweep \(sweep.sweepID)` resubmits crashed ones")
    }
}

/// `funaudio resume` of a sweep submitted to Slurm: the tasks that are not queued or running
/// go to Slurm again; each resumes from the checkpoint in its shard.
enum SlurmResume {
    /// Resubmits `points` (nil: every point Slurm does not show queued, running or finished).
    static func resubmit(_ sweep: SlurmSweep, points: [Int]? = nil, store: RunStore) throws {
        var sweep = sweep
        let status = SlurmStatus.of(sweep)
        // Queued or running: Slurm has it; finished: nothing to resume (its task would end at once).
        let skipped = Set(sweep.labels.indices.filter { [.queued, .running, .finished].contains(status?.points[$0]) })
        let chosen = (points ?? Array(sweep.labels.indices)).filter { !skipped.contains($0) }
        guard !chosen.isEmpty else {
            print("sweep \(sweep.sweepID): no task to resubmit (\(status?.summary ?? "Slurm cannot be asked"))")
            return
        }
        try SlurmSubmission.resubmit(&sweep, points: chosen, store: store)
        print("sweep \(sweep.sweepID): points \(chosen.map { String($0 + 1) }.joined(separator: ", ")) resubmitted "
            + "as Slurm job \(sweep.jobIDs.last!); merge job \(sweep.mergeJobIDs.last!) merges them into \(sweep.database)")
    }

    /// The Slurm sweep and point a merged run came from, if it did.
    static func point(ofRun run: Int64, store: RunStore) throws -> (SlurmSweep, Int)? {
        // A shard is <shards>/<sweep id>/<point>/runs.db (a single run has no sweep id of its own).
        guard let shard = try store.mergedShard(run: run) else { return nil }
        let folder = URL(fileURLWithPath: shard).deletingLastPathComponent()
        guard let point = Int(folder.lastPathComponent),
              let sweep = try SlurmSweep.read(sweepID: folder.deletingLastPathComponent().lastPathComponent, store: store),
              sweep.labels.indices.contains(point) else { return nil }
        return (sweep, point)
    }
}

/// The Slurm sweeps beside runs.db and where their tasks stand, for `funaudio list`.
enum SlurmListing {
    static func lines(_ store: RunStore, limit: Int = 5) -> [String] {
        SlurmSweep.all(beside: store).prefix(limit).map { sweep in
            let state = SlurmStatus.of(sweep)?.summary ?? "squeue not found"
            return "Slurm sweep \(sweep.sweepID) (job \(sweep.jobIDs.joined(separator: ", "))): \(state)"
        }
    }
}

/// `funaudio slurm-task`: what each array task of the sbatch script runs (see `SlurmTask`).
struct SlurmTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm-task", abstract: "Run one point of a --slurm sweep in its shard (used by the sbatch script).",
        shouldDisplay: false)

    @Option var plan: String
    @Option var point: Int
    @Option var db: String
    @Option var cache: String
    @Flag var recordsSweepID = false
    @Flag var force = false

    func run() throws {
        let options = RunOptions(force: force, reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: cache))
        let task = { (runner: Runner) in
            [try SlurmTask.run(plan: URL(fileURLWithPath: plan), point: point, recordsSweepID: recordsSweepID, runner: runner)]
        }
        let report = { (outcomes: [RunOutcome]) in
            for outcome in outcomes {
                print("run \(outcome.runID) in \(db): \(outcome.status.rawValue)")
                if let error = outcome.error { print("  \(error)") }
            }
            if outcomes.contains(where: { $0.status != .finished }) { throw ExitCode.failure }
        }
        // `train.ranks` > 1: the sbatch script starts this task's ranks with srun.
        let world = try Communicator.world()
        if world.size > 1 { return try asRank(of: world, options: options, openStore: { try RunStore(path: db) }, report: report, task) }
        try report(try task(Runner(store: try RunStore(path: db), options: options)))
    }
}
