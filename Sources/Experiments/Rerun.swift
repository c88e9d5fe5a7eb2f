import Config
import Foundation
import Tracking

extension Experiment {
    /// The experiment a stored run executed: its resolved configuration read back through
    /// the schema (so numbers keep their types), with the file it came from, and `overrides`
    /// (`key=value`, as `--set` takes them) applied and checked as `run --set`'s are.
    public static func stored(run id: Int64, in store: RunStore, overrides: [String] = []) throws -> Experiment {
        let detail = try store.runDetail(id, logLimit: 0)
        let source = "run \(id) (stored configuration)"
        return try Experiment(storedConfig: detail.config, file: detail.file ?? source, source: source,
                              overrides: overrides)
    }

    /// An experiment from the canonical JSON it was stored as; `source` names it in errors.
    init(storedConfig json: String, file: String, source: String, overrides: [String] = []) throws(ConfigError) {
        let (node, issues) = Self.applying(overrides, to: try SourcedNode.parse(json, file: source))
        if !issues.isEmpty { throw ConfigError(issues) }
        self = try Self.experiment(file: file, config: try ExperimentSchema.root.resolve(node), sweepLabel: nil)
        let crossIssues = ExperimentSchema.crossCheck(settings, node: node)
        if !crossIssues.isEmpty { throw ConfigError(crossIssues) }
    }
}

extension Runner {
    /// `funaudio rerun RUN [--set key=value ...]`: the stored configuration, with the changes
    /// given, run again as a new run whose parent is RUN and whose tags name each change
    /// (`set: train.lr=0.002`). Without changes and with the same thread count its losses are
    /// bitwise those of the original.
    public func rerun(_ id: Int64, overrides: [String] = []) throws -> RunOutcome {
        let experiment = try Experiment.stored(run: id, in: store, overrides: overrides)
        var options = self.options
        options.parentRunID = id
        options.tags += overrides.map { "set: \($0)" }
        options.force = true  // computed again, not taken from the run it repeats
        try Self.checkCorpora([experiment])
        return try Runner(store: store, options: options).run(experiment)
    }

    /// `funaudio resume RUN`: continues an interrupted or crashed run in place from its last
    /// checkpoint; it ends with the metrics an uninterrupted run would have had.
    public func resume(_ id: Int64) throws -> RunOutcome {
        try resume(resumePoint(id))
    }

    /// What resuming run `id` starts from: its stored configuration and last checkpoint.
    public func resumePoint(_ id: Int64) throws -> ResumePoint {
        let detail = try store.runDetail(id, logLimit: 0)
        let checkpoints = try store.artifacts(run: id).filter { $0.kind == "checkpoint" }
        guard let last = checkpoints.max(by: { ($0.step ?? -1, $0.id) < ($1.step ?? -1, $1.id) }) else {
            throw RunError("run \(id) has no checkpoint to resume from; `funaudio rerun \(id)` starts it again")
        }
        var worldSize = 1
        if case .int(let ranks)? = detail.summary.params["train.world_size"] { worldSize = Int(ranks) }
        return ResumePoint(runID: id, config: detail.config, file: detail.file ?? "run \(id) (stored configuration)",
                           worldSize: worldSize, step: last.step ?? 0, checkpoint: try store.data(of: last))
    }

    /// Continues `point`'s run in place. Under mpirun every rank calls this with the point
    /// rank 0 read: rank 0 reopens the run in runs.db, the others train alongside in their
    /// scratch database, as `funaudio run` has them do. With several ranks the world must be
    /// the one the run trained with (its batches are cut in as many micro-batches); one
    /// process may continue a run of any world size (the same batches and objective).
    public func resume(_ point: ResumePoint) throws -> RunOutcome {
        let ranks = options.communicator.size
        guard ranks == 1 || ranks == point.worldSize else {
            throw RunError("run \(point.runID) trained with \(point.worldSize) rank(s), this job has \(ranks): "
                + "resume it with `mpirun -n \(point.worldSize) funaudio resume \(point.runID)` (or in one process)")
        }
        let experiment = try Experiment(storedConfig: point.config, file: point.file,
                                        source: "run \(point.runID) (stored configuration)")
        guard options.communicator.isRoot else {
            return try execute(experiment, run: try store.startRun(description(of: experiment, sweepID: nil)),
                               resumeFrom: point.checkpoint)
        }
        let run = try store.reopenRun(point.runID, discardingMetricsAfter: point.step)
        run.log("resumed from checkpoint at step \(point.step)"
            + (ranks == point.worldSize ? "" : " with 1 rank (trained with \(point.worldSize))"))
        return try execute(experiment, run: run, resumeFrom: point.checkpoint)
    }
}

/// What resuming a run starts from, read from runs.db by the one process that may open it
/// (rank 0 under mpirun) and sent to the other ranks.
public struct ResumePoint: Codable, Sendable {
    public var runID: Int64
    /// The run's resolved configuration (canonical JSON) and the file it came from.
    public var config: String
    public var file: String
    /// The ranks the run trained with (`train.world_size`).
    public var worldSize: Int
    /// The step of the checkpoint, and the checkpoint itself.
    public var step: Int
    public var checkpoint: Data
}
