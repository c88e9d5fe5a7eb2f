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
