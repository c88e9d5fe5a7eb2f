import Experiments
import Foundation
import Tracking

/// `funaudio run FILE --slurm`: a sweep as one Slurm job array, one task per point, each
/// writing its own shard; and a merge job that runs when every task has ended (`afterany`).
///
/// No task ever opens the user's runs.db: each writes `<shards>/<sweep id>/<point>/runs.db`
/// (SQLite over a network filesystem is not safe to share between hosts). The tasks run
/// the points of the sweep's stored plan (`plan.json` beside the shards), so an experiment
/// file edited while tasks wait in the queue changes nothing.
public struct SlurmSubmission: Sendable, Codable, Equatable {
    public var partition: String?
    public var time: String?
    /// At most this many tasks at once (`--array=0-N%K`).
    public var arrayParallelism: Int?
    /// The shared folder that holds one folder per sweep.
    public var shardsRoot: URL
    /// More `sbatch` options (`--account=…`, `--qos=…`), given to the tasks and the merge job.
    public var extraOptions: [String]
    /// The `funaudio` executable the tasks run: it must be readable on the compute nodes.
    public var executable: String
    /// The corpus cache the tasks use: shared, or built before submitting.
    public var cacheDirectory: URL
    /// Recompute every cell (`run --force`), in every task.
    public var force = false

    public init(partition: String? = nil, time: String? = nil, arrayParallelism: Int? = nil, shardsRoot: URL,
                extraOptions: [String] = [], executable: String, cacheDirectory: URL) {
        self.partition = partition
        self.time = time
        self.arrayParallelism = arrayParallelism
        self.shardsRoot = shardsRoot
        self.extraOptions = extraOptions
        self.executable = executable
        self.cacheDirectory = cacheDirectory
    }

    /// Plans the sweep, writes its script and submits it and its merge job; returns the record
    /// also written beside runs.db. A missing `sbatch` is an error before anything is written.
    public func submit(_ experiments: [Experiment], runner: Runner) throws -> SlurmSweep {
        guard SlurmCommand.find("sbatch") != nil else { throw ClusterError.missing("sbatch") }
        let ranks = try Self.ranks(of: experiments)
        try Runner.checkCorpora(experiments)
        let sweepID = try runner.planSweep(experiments)
        let folder = shardsRoot.standardizedFileURL.appendingPathComponent(sweepID)
        var sweep = SlurmSweep(sweepID: sweepID, submission: self, jobIDs: [], mergeJobIDs: [], folder: folder.path,
                               labels: experiments.map { $0.sweepLabel ?? $0.name },
                               database: URL(fileURLWithPath: runner.store.path).standardizedFileURL.path,
                               submittedAt: Date())
        for point in experiments.indices {
            try FileManager.default.createDirectory(at: sweep.shard(point), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(
            at: SweepPlan.folder(sweepID: sweepID, store: runner.store).appendingPathComponent("plan.json"), to: sweep.plan)
        // A single run keeps no sweep id, as it would on this machine.
        let recordsSweepID = experiments.count > 1 || experiments.first?.sweepLabel != nil
        let threads = experiments.map(\.settings.train.threads).max() ?? 1
        try script(sweep, points: experiments.count, threads: threads, ranks: ranks,
                   recordsSweepID: recordsSweepID)
            .write(to: sweep.script, atomically: true, encoding: .utf8)
        try submitTasks(&sweep, array: nil)
        try sweep.write(beside: runner.store)
        return sweep
    }

    /// Submits the tasks of `points` again (all of them when nil) with the sweep's script,
    /// and a merge job after them: how `funaudio resume` continues crashed tasks. A task
    /// whose shard holds a finished run ends at once; an interrupted or crashed one resumes
    /// from the checkpoint in its shard (see ``SlurmTask``).
    public static func resubmit(_ sweep: inout SlurmSweep, points: [Int], store: RunStore) throws {
        guard !points.isEmpty else { return }
        try sweep.submission.submitTasks(&sweep, array: points.map(String.init).joined(separator: ","))
        try sweep.write(beside: store)
    }

    private func submitTasks(_ sweep: inout SlurmSweep, array: String?) throws {
        var options = extraOptions
        if let array {
            options.append("--array=\(array)" + (arrayParallelism.map { "%\($0)" } ?? ""))
        }
        let job = try Self.jobID(SlurmCommand.run("sbatch", ["--parsable"] + options + [sweep.script.path]))
        sweep.jobIDs.append(job)
        var merge = ["--parsable", "--dependency=afterany:\(job)", "--job-name=funaudio-merge-\(sweep.sweepID)",
                     "--output=\(sweep.folder)/merge-%j.out"]
        if let partition { merge.append("--partition=\(partition)") }
        if let time { merge.append("--time=\(time)") }
        let command = [executable, "merge", "--from", sweep.folder, "--db", sweep.database].map(Self.quoted)
            .joined(separator: " ")
        sweep.mergeJobIDs.append(try Self.jobID(SlurmCommand.run("sbatch", merge + extraOptions + ["--wrap", command])))
    }

    /// The job id `sbatch --parsable` printed (`123` or `123;cluster`).
    static func jobID(_ output: String) throws -> String {
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ClusterError("sbatch printed no job id: \(output)")
        }
        return id
    }

    /// The ranks of every task (`train.ranks`, 1 when unset): one job array has one task size.
    static func ranks(of experiments: [Experiment]) throws -> Int {
        let asked = Set(experiments.map { $0.settings.train.ranks ?? 1 })
        guard asked.count == 1, let ranks = asked.first else {
            throw ClusterError("train.ranks differs between the sweep's points (\(asked.sorted().map(String.init).joined(separator: ", "))): "
                + "the tasks of one job array have one size; submit the points of each size as their own sweep")
        }
        return ranks
    }

    /// The sbatch script: one array task per point, each running this executable on its
    /// point with its own shard as `--db`; a task of several ranks (`train.ranks`) starts
    /// them with `srun --mpi=pmix`, the PMIx wiring Debian's OpenMPI and Slurm share.
    func script(_ sweep: SlurmSweep, points: Int, threads: Int, ranks: Int = 1, recordsSweepID: Bool) -> String {
        var header = [
            "--job-name=funaudio-\(sweep.sweepID)",
            "--array=0-\(points - 1)" + (arrayParallelism.map { "%\($0)" } ?? ""),
            "--cpus-per-task=\(threads)",
            "--output=\(sweep.folder)/%a/slurm-%A_%a.out",
        ]
        if ranks > 1 { header.insert("--ntasks=\(ranks)", at: 2) }
        if let partition { header.append("--partition=\(partition)") }
        if let time { header.append("--time=\(time)") }
        var command = (ranks > 1 ? ["srun", "--mpi=pmix", "--ntasks=\(ranks)"] : []) + [executable, "slurm-task", "--plan", sweep.plan.path, "--point", "$SLURM_ARRAY_TASK_ID",
                       "--db", "\(sweep.folder)/$SLURM_ARRAY_TASK_ID/runs.db", "--cache", cacheDirectory.path]
        if recordsSweepID { command.append("--records-sweep-id") }
        if force { command.append("--force") }
        return """
            #!/bin/bash
            \(header.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            # Written by `funaudio run --slurm` for sweep \(sweep.sweepID): task N runs point N of plan.json
            # and records it in its own shard, \(sweep.folder)/N/runs.db. The merge job
            # (`funaudio merge --from \(sweep.folder)`) copies the shards into \(sweep.database).
            # Resubmitting a task is safe: a finished point ends at once, a stopped one resumes.
            export SWIFT_BACKTRACE=enable=no
            exec \(command.map(Self.quotedKeepingTaskID).joined(separator: " "))

            """
    }

    /// `text` in single quotes for bash.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Quoted, except `$SLURM_ARRAY_TASK_ID`, which bash must expand.
    static func quotedKeepingTaskID(_ text: String) -> String {
        text.components(separatedBy: "$SLURM_ARRAY_TASK_ID").map(quoted).joined(separator: "\"$SLURM_ARRAY_TASK_ID\"")
    }
}
