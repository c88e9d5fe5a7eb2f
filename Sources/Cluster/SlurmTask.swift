import Experiments
import Foundation
import Ranks
import Tracking

/// One array task of a `--slurm` sweep (`funaudio slurm-task`, run by the sbatch script):
/// point N of the stored plan, recorded in the task's own shard.
///
/// Idempotent, so that a task can be resubmitted (`funaudio resume`) or requeued by Slurm:
/// a shard whose run finished ends at once; one whose run was interrupted (`scancel` sends
/// SIGTERM: the run stops after its step with a checkpoint) or crashed resumes from its last
/// checkpoint; otherwise the point runs from the start.
/// With `train.ranks` > 1 every rank of the task runs this; rank 0 alone opens the shard,
/// decides how the point starts and tells the others (``Communicator/rootDecides(_:)``).
public enum SlurmTask {
    /// Point `point` of the plan in `planFile`, with `runner` (rank 0's records in the shard).
    public static func run(plan planFile: URL, point: Int, recordsSweepID: Bool, runner: Runner) throws -> RunOutcome {
        guard let data = FileManager.default.contents(atPath: planFile.path) else {
            throw ClusterError("no sweep plan at \(planFile.path): is the shards folder on storage this node can read?")
        }
        let plan = try JSONDecoder().decode(SweepPlan.self, from: data)
        let experiments = try plan.experiments()
        guard experiments.indices.contains(point) else {
            throw ClusterError("point \(point): the plan \(planFile.path) has \(experiments.count) points")
        }
        var experiment = experiments[point]
        if !recordsSweepID { experiment.sweepLabel = nil }
        switch try runner.options.communicator.rootDecides({ try start(in: runner) }) {
        case .finished(let id): return RunOutcome(runID: id, status: .finished, error: nil, reusedCells: [])
        case .resume(let point): return try runner.resume(point)
        case .fresh: return try runner.run(experiment, sweepID: recordsSweepID ? plan.sweepID : nil)
        }
    }

    /// How the shard's point starts.
    enum Start: Codable {
        /// Its run finished: nothing to do.
        case finished(Int64)
        /// Its run was interrupted or crashed after a checkpoint.
        case resume(ResumePoint)
        case fresh
    }

    private static func start(in runner: Runner) throws -> Start {
        let store = runner.store
        // Slurm runs one attempt of a task at a time: a run still marked running is a dead attempt's.
        try store.markCrashedRuns(heartbeatOlderThan: -1)
        guard let last = try store.runs().first else { return .fresh }
        switch last.status {
        case .finished:
            return .finished(last.id)
        case .interrupted, .crashed:
            guard try store.artifacts(run: last.id).contains(where: { $0.kind == "checkpoint" }) else { return .fresh }
            return .resume(try runner.resumePoint(last.id))
        default:
            return .fresh
        }
    }
}
