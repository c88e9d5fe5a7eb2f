import Config
import Foundation
import Tracking

/// The points of a sweep, written before its first run starts, so that a sweep whose
/// process was killed can be finished: its runs are in runs.db, but the points that never
/// started are nowhere else.
///
/// Each point keeps its resolved configuration (canonical JSON, as stored with a run), so
/// an experiment file edited since does not change what the sweep runs. The plan lives
/// beside runs.db in `sweeps/<id>/plan.json`, with the logs of `--jobs` children.
public struct SweepPlan: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var label: String
        public var file: String
        public var config: String
    }

    public var sweepID: String
    public var points: [Point]

    public init(sweepID: String, experiments: [Experiment]) {
        self.sweepID = sweepID
        points = experiments.map { Point(label: $0.sweepLabel ?? $0.name, file: $0.file, config: $0.configJSON) }
    }

    /// `sweeps/<id>/` beside the database: the plan and the logs of the sweep's processes.
    public static func folder(sweepID: String, store: RunStore) -> URL {
        URL(fileURLWithPath: store.path).deletingLastPathComponent()
            .appendingPathComponent("sweeps").appendingPathComponent(sweepID)
    }

    public func write(beside store: RunStore) throws {
        let folder = Self.folder(sweepID: sweepID, store: store)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent("plan.json"), options: .atomic)
    }

    public static func read(sweepID: String, store: RunStore) throws -> SweepPlan {
        let url = folder(sweepID: sweepID, store: store).appendingPathComponent("plan.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RunError("no sweep '\(sweepID)' beside \(store.path) (\(url.path) is missing); "
                + "`funaudio show RUN` shows the sweep id of a run")
        }
        return try JSONDecoder().decode(SweepPlan.self, from: data)
    }

    /// The experiment of each point, read back through the schema as a stored run's is.
    public func experiments() throws -> [Experiment] {
        try points.map { point in
            var experiment = try Experiment(storedConfig: point.config, file: point.file,
                                            source: "sweep \(sweepID) (stored plan)")
            experiment.sweepLabel = point.label
            return experiment
        }
    }
}

extension Runner {
    /// Starts a sweep: a new id, its plan written beside runs.db.
    public func planSweep(_ experiments: [Experiment]) throws -> String {
        let sweepID = Self.newSweepID(experiments)
        try SweepPlan(sweepID: sweepID, experiments: experiments).write(beside: store)
        return sweepID
    }

    /// `funaudio resume --sweep ID`: brings every point of a sweep to an end. A point that
    /// never started runs; an interrupted or crashed one resumes from its last checkpoint
    /// (or starts again when it has none); finished and failed points stay as they are, and
    /// a point still running in another process is left to it.
    public func resumeSweep(_ sweepID: String) throws -> [RunOutcome] {
        let plan = try SweepPlan.read(sweepID: sweepID, store: store)
        var latest: [String: RunSummary] = [:]  // by configuration; runs come newest first
        for run in try store.runs().filter({ $0.sweepID == sweepID }).reversed() {
            latest[try store.runDetail(run.id, logLimit: 0).config] = run
        }
        var outcomes: [RunOutcome] = []
        for (point, experiment) in zip(plan.points, try plan.experiments()) {
            if StopSignal.shared.isRaised { break }
            guard let stored = latest[point.config] else {
                outcomes.append(try run(experiment, sweepID: sweepID))
                continue
            }
            switch stored.status {
            case .interrupted, .crashed:
                let hasCheckpoint = try store.artifacts(run: stored.id).contains { $0.kind == "checkpoint" }
                outcomes.append(try hasCheckpoint ? resume(stored.id) : run(experiment, sweepID: sweepID))
            default:
                outcomes.append(RunOutcome(runID: stored.id, status: stored.status, error: stored.error, reusedCells: []))
            }
        }
        return outcomes
    }
}
