import Config
import Foundation
import Tracking

extension Experiment {
    /// The experiment a stored run executed: its resolved configuration read back through
    /// the schema (so numbers keep their types), with the file it came from.
    public static func stored(run id: Int64, in store: RunStore) throws -> Experiment {
        let detail = try store.runDetail(id, logLimit: 0)
        let source = "run \(id) (stored configuration)"
        let config = try ExperimentSchema.root.resolve(SourcedNode.parse(detail.config, file: source))
        return try experiment(file: detail.file ?? source, config: config, sweepLabel: nil)
    }
}

extension Runner {
    /// `funaudio rerun RUN`: the stored configuration run again as a new run whose parent is
    /// RUN. With the same thread count its losses are bitwise those of the original.
    public func rerun(_ id: Int64) throws -> RunOutcome {
        let experiment = try Experiment.stored(run: id, in: store)
        var options = self.options
        options.parentRunID = id
        options.force = true  // computed again, not taken from the run it repeats
        return try Runner(store: store, options: options).run(experiment)
    }

    /// `funaudio resume RUN`: continues an interrupted or crashed run in place from its last
    /// checkpoint; it ends with the metrics an uninterrupted run would have had.
    public func resume(_ id: Int64) throws -> RunOutcome {
        let experiment = try Experiment.stored(run: id, in: store)
        let checkpoints = try store.artifacts(run: id).filter { $0.kind == "checkpoint" }
        guard let last = checkpoints.max(by: { ($0.step ?? -1, $0.id) < ($1.step ?? -1, $1.id) }) else {
            throw RunError("run \(id) has no checkpoint to resume from; `funaudio rerun \(id)` starts it again")
        }
        let bytes = try store.data(of: last)
        let run = try store.reopenRun(id, discardingMetricsAfter: last.step ?? 0)
        run.log("resumed from checkpoint at step \(last.step ?? 0)")
        return try execute(experiment, run: run, resumeFrom: bytes)
    }
}
