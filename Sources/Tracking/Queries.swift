import Foundation
import GRDB

/// One line of `funaudio list`: a run with its params and the last value of each metric.
public struct RunSummary: Sendable, Equatable {
    public var id: Int64
    public var experiment: String
    public var status: RunStatus
    public var seed: Int64?
    public var sweepID: String?
    public var startedAt: Date
    public var endedAt: Date?
    /// End (or last heartbeat, while running) minus start.
    public var duration: TimeInterval
    public var params: [String: ParamValue]
    /// Value at the highest step of each metric key (nil when it was NaN).
    public var finalMetrics: [String: Double?]
    public var error: String?
}

/// Which runs `funaudio list` shows.
public struct RunFilter: Sendable {
    public var status: RunStatus?
    public var experiment: String?
    /// Most recent first; nil for all.
    public var limit: Int?

    public init(status: RunStatus? = nil, experiment: String? = nil, limit: Int? = nil) {
        self.status = status
        self.experiment = experiment
        self.limit = limit
    }
}

/// Summary statistics of one metric key of a run (a row of the `metric_summary` view).
public struct MetricSummary: Sendable, Equatable {
    public var key: String
    /// The key's split (`train`, `val`, …) and goal, as its recorder declared them.
    public var split: String?
    public var goal: Metric.Goal
    public var unit: String?
    public var points: Int
    public var lastStep: Int
    public var lastValue: Double?
    public var minValue: Double?
    public var maxValue: Double?
    /// The minimum or maximum as `goal` says, and the first step with it; nil for a metric
    /// with no goal.
    public var bestValue: Double?
    public var bestStep: Int?
    /// The notebook cell that recorded the metric (its first, if several did).
    public var cell: Int?

    /// The key without its split: series of one quantity in several splits share it.
    public var quantity: String { Metric(key, goal: goal).name }
}

/// One row of `cells`.
public struct CellRecord: Sendable, Equatable {
    public var index: Int
    public var kind: String
    public var status: String
    public var reused: Bool
    public var inputSHA256: String?
    public var startedAt: Date
    public var endedAt: Date?
    public var output: String?
}

/// One captured log line.
public struct LogRecord: Sendable, Equatable {
    public var time: Date
    public var level: String
    public var message: String

    public init(time: Date, level: String, message: String) {
        self.time = time
        self.level = level
        self.message = message
    }
}

/// Everything runs.db knows about one run (`funaudio show`).
public struct RunDetail: Sendable {
    public var summary: RunSummary
    /// The experiment's description (Markdown), as its file gave it.
    public var experimentDescription: String?
    public var file: String?
    public var config: String
    public var configSHA256: String
    public var parentRunID: Int64?
    /// The run whose trained model this run reused (its train cell was `reused`).
    public var modelSourceRunID: Int64?
    public var environment: RunEnvironment
    public var pid: Int
    public var heartbeatAt: Date
    public var tags: [String]
    public var metrics: [MetricSummary]
    public var cells: [CellRecord]
    public var artifacts: [Artifact]
    public var logLines: [LogRecord]
}

extension RunStore {
    /// Runs matching `filter`, most recent first.
    public func runs(_ filter: RunFilter = RunFilter()) throws -> [RunSummary] {
        try read("listing runs") { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let status = filter.status {
                // A dead `running` run reads as crashed (see `summary`): filtered below.
                conditions.append("r.status IN (?, 'running')")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if let experiment = filter.experiment {
                conditions.append("e.name = ?")
                _ = arguments.append(contentsOf: [experiment])
            }
            var sql = "SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY r.id DESC"
            var runs: [RunSummary] = []
            for id in try Int64.fetchAll(db, sql: sql, arguments: arguments) {
                if let limit = filter.limit, runs.count >= limit { break }
                let run = try summary(id, db)
                if filter.status == nil || run.status == filter.status { runs.append(run) }
            }
            return runs
        }
    }

    /// The run id named by `text`: a run id, or an experiment name (its most recent run).
    public func resolveRun(_ text: String) throws -> Int64 {
        let found = try read("finding run \(text)") { db -> Int64? in
            if let id = Int64(text) {
                return try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE id = ?", arguments: [id])
            }
            return try Int64.fetchOne(db, sql: """
                SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id
                WHERE e.name = ? ORDER BY r.id DESC LIMIT 1
                """, arguments: [text])
        }
        guard let found else { throw TrackingError.noSuchRun(text) }
        return found
    }

    /// Everything about run `id`; `logLimit` caps the log lines (the last ones are kept).
    public func runDetail(_ id: Int64, logLimit: Int = 1000) throws -> RunDetail {
        try read("reading run \(id)") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
                throw TrackingError.noSuchRun(String(id))
            }
            let versionsText: String = row["library_versions"]
            let versions = (try? JSONSerialization.jsonObject(with: Data(versionsText.utf8))) as? [String: String] ?? [:]
            let metrics = try Row.fetchAll(db, sql: "SELECT * FROM metric_summary WHERE run_id = ? ORDER BY key",
                                           arguments: [id]).map { m in
                let best: Double? = m["best_value"]
                return MetricSummary(
                    key: m["key"], split: m["split"], goal: Metric.Goal(rawValue: m["goal"]) ?? .none,
                    unit: m["unit"], points: m["points"], lastStep: m["last_step"], lastValue: m["last_value"],
                    minValue: m["min_value"], maxValue: m["max_value"], bestValue: best,
                    bestStep: try best.flatMap { try firstStep(of: m["key"], at: $0, run: id, db) }, cell: m["cell"])
            }
            let cells = try Row.fetchAll(db, sql: "SELECT * FROM cells WHERE run_id = ? ORDER BY cell_index",
                                         arguments: [id]).map { c in
                CellRecord(index: c["cell_index"], kind: c["kind"], status: c["status"], reused: c["reused"],
                           inputSHA256: c["input_sha256"], startedAt: Date(timeIntervalSince1970: c["started_at"]),
                           endedAt: (c["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                           output: c["output"])
            }
            let logs = try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM log_lines WHERE run_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [id, logLimit]).map { l in
                LogRecord(time: Date(timeIntervalSince1970: l["wall_time"]), level: l["level"], message: l["message"])
            }
            let description = try String.fetchOne(db, sql: "SELECT description FROM experiments WHERE id = ?",
                                                  arguments: [row["experiment_id"] as Int64])
            return RunDetail(
                summary: try summary(id, db), experimentDescription: description, file: row["file"], config: row["config"],
                configSHA256: row["config_sha256"], parentRunID: row["parent_run_id"],
                modelSourceRunID: row["model_source_run_id"],
                environment: RunEnvironment(funaudioVersion: row["funaudio_version"], gitCommit: row["git_commit"],
                                            host: row["host"], cpu: row["cpu"], threads: row["threads"],
                                            libraryVersions: versions),
                pid: row["pid"], heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]),
                tags: try String.fetchAll(db, sql: "SELECT tag FROM tags WHERE run_id = ? ORDER BY tag", arguments: [id]),
                metrics: metrics, cells: cells,
                artifacts: try Artifact.fetchAll(db, sql: "SELECT * FROM artifacts WHERE run_id = ? ORDER BY id",
                                                 arguments: [id]),
                logLines: logs)
        }
    }

    /// The points of metric `key` in `run`, by step, for plots: every point, or for a long
    /// metric of an ended run the lowest and highest of each step bucket (``MetricBuckets``).
    public func metricSeries(run: Int64, key: String) throws -> [(step: Int, value: Double?)] {
        try read("reading metric \(key) of run \(run)") { db in
            try MetricBuckets.points(run: run, key: key, db)
                ?? Row.fetchAll(db, sql: "SELECT step, value FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, wall_time",
                                arguments: [run, key]).map { (step: $0["step"], value: $0["value"]) }
        }
    }

    /// The first step at which metric `key` of `run` took `value`: only the segments whose
    /// range holds the value are read.
    private func firstStep(of key: String, at value: Double, run: Int64, _ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: """
            SELECT v.step FROM metric_segments s JOIN metric_keys k ON k.id = s.key_id
            JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid
            WHERE s.run_id = ? AND k.name = ? AND s.min_value <= ? AND ? <= s.max_value AND v.value = ?
            ORDER BY v.step LIMIT 1
            """, arguments: [run, key, value, value, value])
    }

    /// The run whose checkpoints hold `run`'s trained model: the run it reused its model from
    /// (``Run/setModelSource(_:)``), else `run` itself. A reused train cell stores no
    /// checkpoint, so a later run that matches it must look there.
    public func modelHolder(of run: Int64) throws -> Int64 {
        try read("looking up where run \(run)'s model is stored") { db in
            try Int64.fetchOne(db, sql: "SELECT model_source_run_id FROM runs WHERE id = ?", arguments: [run]) ?? run
        }
    }

    /// The runs of sweep `name`, in id order.
    public func runIDs(sweep name: String) throws -> [Int64] {
        try read("listing the runs of sweep \(name)") { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM runs WHERE sweep_id = ? ORDER BY id", arguments: [name])
        }
    }

    /// The run ids a read-only query selects: its first column, in order, without repeats.
    /// Throws ``TrackingError/notRunIDs(sql:found:)`` when that column holds something else.
    public func runIDs(query sql: String) throws -> [Int64] {
        guard let result = try execute(sql: sql).last(where: { !$0.columns.isEmpty }) else { return [] }
        var seen = Set<Int64>()
        return try result.rows.compactMap { row in
            guard let first = row.first else { return nil }
            guard let id = first.integer else { throw TrackingError.notRunIDs(sql: sql, found: "\(first)") }
            return seen.insert(id).inserted ? id : nil
        }
    }

    /// A finished cell of `kind` whose inputs hash to `inputSHA256`, from any run: the runner
    /// reuses its output instead of recomputing (most recent match).
    public func reusableCell(kind: String, inputSHA256: String) throws -> (run: Int64, cell: CellRecord)? {
        try read("looking up cached cell") { db in
            guard let c = try Row.fetchOne(db, sql: """
                SELECT * FROM cells WHERE kind = ? AND input_sha256 = ? AND status IN ('finished', 'reused')
                ORDER BY started_at DESC LIMIT 1
                """, arguments: [kind, inputSHA256]) else { return nil }
            return (run: c["run_id"], cell: CellRecord(
                index: c["cell_index"], kind: c["kind"], status: c["status"], reused: c["reused"],
                inputSHA256: c["input_sha256"], startedAt: Date(timeIntervalSince1970: c["started_at"]),
                endedAt: (c["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:)), output: c["output"]))
        }
    }

    /// A `running` run whose process is gone reads as `crashed`, ended at its last sign of
    /// life, as ``markCrashedRuns(heartbeatOlderThan:now:)`` will record it: a reading command
    /// writes nothing, yet never shows a dead run as running.
    private func summary(_ id: Int64, _ db: Database) throws -> RunSummary {
        let r = try Row.fetchOne(db, sql: """
            SELECT e.name AS experiment, r.status, r.seed, r.sweep_id, r.started_at, r.ended_at, r.error,
                   r.host, r.pid, r.heartbeat_at, \(Self.lastSignOfLife("r")) AS last_sign,
                   COALESCE(r.ended_at, r.heartbeat_at) - r.started_at AS duration_s
            FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?
            """, arguments: [id])!
        var status = RunStatus(rawValue: r["status"]) ?? .crashed
        var error: String? = r["error"]
        var endedAt = (r["ended_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        var duration: Double = r["duration_s"]
        if status == .running, let reason = Self.crashReason(r) {
            status = .crashed
            error = reason
            endedAt = Date(timeIntervalSince1970: r["last_sign"])
            duration = r["last_sign"] - (r["started_at"] as Double)
        }
        var params: [String: ParamValue] = [:]
        for p in try Row.fetchAll(db, sql: "SELECT key, value, type FROM params WHERE run_id = ?", arguments: [id]) {
            params[p["key"]] = ParamValue(p["value"], type: p["type"])
        }
        var metrics: [String: Double?] = [:]
        for m in try Row.fetchAll(db, sql: "SELECT key, value FROM latest_metrics WHERE run_id = ?", arguments: [id]) {
            metrics[m["key"]] = .some(m["value"])
        }
        return RunSummary(
            id: id, experiment: r["experiment"], status: status,
            seed: r["seed"], sweepID: r["sweep_id"], startedAt: Date(timeIntervalSince1970: r["started_at"]),
            endedAt: endedAt, duration: duration, params: params, finalMetrics: metrics, error: error)
    }
}
