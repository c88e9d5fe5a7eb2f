import Experiments
import Foundation
import Tracking

/// One array task of a `--slurm` sweep (`funaudio slurm-task`, run by the sbatch script):
/// point N of the stored plan, recorded in the task's own shard.
///
/// Idempotent, so that a task can be resubmitted (`funaudio resume`) or requeued by Slurm:
/// a shard whose run finished ends at once; one whose run was interrupted (`scancel` sends
/// SIGTERM: the run stops after its step with a checkpoint) or crashed resumes from its last
/// checkpoint; otherwise the point runs from the start.
public enum SlurmTask {
    public static func run(plan planFile: URL, point: Int, database: String, recordsSweepID: Bool,
                           cacheDirectory: URL, force: Bool = false) throws -> (runID: Int64, status: RunStatus, error: String?) {
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
        let store = try RunStore(path: database)
        // Slurm runs one attempt of a task at a time: a run still marked running is a dead attempt's.
        try store.markCrashedRuns(heartbeatOlderThan: -1)
        let runner = Runner(store: store, options: RunOptions(force: force, reportsDirectory: nil,
                                                                    cacheDirectory: cacheDirectory))
        if let last = try store.runs().first {
            switch last.status {
            case .finished:
                return (last.id, .finished, nil)
            case .interrupted, .crashed:
                if try store.artifacts(run: last.id).contains(where: { $0.kind == "checkpoint" }) {
                    let outcome = try runner.resume(last.id)
                    return (outcome.runID, outcome.status, outcome.error)
                }
            default: break
            }
        }
        let outcome = try runner.run(experiment, sweepID: recordsSweepID ? plan.sweepID : nil)
        return (outcome.runID, outcome.status, outcome.error)
    }
}
