import Foundation
import GRDB

extension RunStore {
    /// Records a new run as `running` (creating its experiment on first use) and starts its
    /// background metric writer.
    public func startRun(_ run: RunDescription, writerOptions: WriterOptions = WriterOptions()) throws -> Run {
        let now = Date().timeIntervalSince1970
        let id = try write("starting a run of \(run.experiment)") { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO experiments (name, description, created_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO NOTHING
                """, arguments: [run.experiment, run.experimentDescription, now])
            let experimentID = try Int64.fetchOne(db, sql: "SELECT id FROM experiments WHERE name = ?",
                                                  arguments: [run.experiment])!
            let env = run.environment
            try db.execute(sql: """
                INSERT INTO runs (experiment_id, file, config, config_sha256, seed, sweep_id, parent_run_id,
                                  funaudio_version, git_commit, host, cpu, threads, library_versions, pid,
                                  status, started_at, heartbeat_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)
                """, arguments: [experimentID, run.file, run.config, SHA256.hex(run.config), run.seed,
                                 run.sweepID, run.parentRunID, env.funaudioVersion, env.gitCommit, env.host,
                                 env.cpu, env.threads, JSON.encode(.object(env.libraryVersions.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                                 Int(ProcessInfo.processInfo.processIdentifier), now, now])
            let runID = db.lastInsertedRowID
            for (key, value) in run.params.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO params (run_id, key, value, type) VALUES (?, ?, ?, ?)",
                               arguments: [runID, key, value.databaseValue, value.typeName])
            }
            for tag in Set(run.tags) {
                try db.execute(sql: "INSERT INTO tags (run_id, tag) VALUES (?, ?)", arguments: [runID, tag])
            }
            return runID
        }
        return Run(id: id, store: self, options: writerOptions)
    }

    /// Takes up an `interrupted` or `crashed` run again (for `funaudio resume`): status back to
    /// `running`, end time and error cleared, this process's pid and a fresh heartbeat.
    ///
    /// - Parameter discardingMetricsAfter: the step of the checkpoint the run resumes from;
    ///   points recorded after it (which the resumed run will record again) are deleted, so the
    ///   run ends with exactly the points of an uninterrupted run. Nil keeps every point
    ///   (`latest_metrics` then takes the newest write at the highest step).
    public func reopenRun(_ id: Int64, discardingMetricsAfter step: Int? = nil,
                          writerOptions: WriterOptions = WriterOptions()) throws -> Run {
        let now = Date().timeIntervalSince1970
        try write("reopening run \(id)") { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM runs WHERE id = ?", arguments: [id]) else {
                throw TrackingError.noSuchRun(String(id))
            }
            guard status == RunStatus.interrupted.rawValue || status == RunStatus.crashed.rawValue else {
                throw TrackingError.statementFailed(
                    sql: "reopen run \(id)", reason: "run \(id) is \(status); only interrupted or crashed runs can be resumed")
            }
            try db.execute(sql: """
                UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, heartbeat_at = ?, pid = ?
                WHERE id = ?
                """, arguments: [now, Int(ProcessInfo.processInfo.processIdentifier), id])
            try db.execute(sql: "DELETE FROM metric_buckets WHERE run_id = ?", arguments: [id])  // its points will change
            if let step {
                try discardMetrics(run: id, after: step, rowsPerStatement: writerOptions.rowsPerStatement, db)
            }
        }
        return Run(id: id, store: self, options: writerOptions)
    }

    /// Rewrites the points of `run` without those after `step`: the kept points are read,
    /// all of the run's points and segments deleted, and the kept ones inserted again as
    /// fresh segments (a segment's rowid range and statistics cannot be cut in place).
    private func discardMetrics(run: Int64, after step: Int, rowsPerStatement: Int, _ db: Database) throws {
        let segments = try Row.fetchAll(db, sql: "SELECT first_rowid, last_rowid FROM metric_segments WHERE run_id = ?",
                                        arguments: [run])
        guard !segments.isEmpty else { return }
        let kept = try Row.fetchAll(db, sql: """
            SELECT s.key_id, s.cell_index, v.step, v.value, v.wall_time FROM metric_segments s
            JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid
            WHERE s.run_id = ? AND v.step <= ? ORDER BY s.id, v.rowid
            """, arguments: [run, step])
        for segment in segments {
            try db.execute(sql: "DELETE FROM metric_values WHERE rowid BETWEEN ? AND ?",
                           arguments: [segment["first_rowid"], segment["last_rowid"]])
        }
        try db.execute(sql: "DELETE FROM metric_segments WHERE run_id = ?", arguments: [run])
        struct Series: Hashable { var keyID: Int64; var cell: Int? }
        var series: [Series] = []
        var index: [Series: Int32] = [:]
        let points = kept.map { row -> MetricPoint in
            let key = Series(keyID: row["key_id"], cell: row["cell_index"])
            let k = index[key] ?? {
                series.append(key)
                index[key] = Int32(series.count - 1)
                return Int32(series.count - 1)
            }()
            return MetricPoint(key: k, step: row["step"], value: row["value"] ?? .nan, wallTime: row["wall_time"])
        }
        var inserter = MetricInserter(runID: run, rowsPerStatement: rowsPerStatement)
        try inserter.insert(points, keyIDs: series.map(\.keyID), cells: series.map(\.cell), db)
    }

    /// Marks as `crashed` the `running` runs whose process died without ending them, and
    /// returns their ids. Every `funaudio` command that writes calls this first; commands that
    /// only read see such runs as crashed without writing (``runs(_:)``, ``runDetail(_:logLimit:)``).
    ///
    /// A run is taken for dead when its heartbeat is older than `heartbeatOlderThan` seconds,
    /// or at once when it was started on this host by a process that no longer exists (after
    /// a SIGKILL or an out-of-memory kill `funaudio resume` need not wait a minute). A pid
    /// reused by another process only delays this to the heartbeat rule; it never marks a
    /// live run. Its end time is its last sign of life (see ``lastSignOfLife``).
    @discardableResult
    public func markCrashedRuns(heartbeatOlderThan: TimeInterval = 60, now: Date = Date()) throws -> [Int64] {
        try write("marking crashed runs") { db in
            let running = try Row.fetchAll(db, sql: "SELECT id, host, pid, heartbeat_at FROM runs WHERE status = 'running'")
            var crashed: [Int64] = []
            for run in running {
                guard let error = Self.crashReason(run, heartbeatOlderThan: heartbeatOlderThan, now: now) else { continue }
                let id: Int64 = run["id"]
                try db.execute(sql: """
                    UPDATE runs SET status = 'crashed', ended_at = \(Self.lastSignOfLife("runs")), error = ?
                    WHERE id = ?
                    """, arguments: [error, id])
                crashed.append(id)
            }
            return crashed
        }
    }

    /// Why the `running` run in `row` (`host`, `pid`, `heartbeat_at`) must be dead, or nil if
    /// it may be alive.
    static func crashReason(_ row: Row, heartbeatOlderThan: TimeInterval = 60, now: Date = Date()) -> String? {
        let heartbeat: Double = row["heartbeat_at"]
        let host = ProcessInfo.processInfo.hostName
        let last = "; last heartbeat " + Date(timeIntervalSince1970: heartbeat).formatted(.iso8601)
        if heartbeat < now.timeIntervalSince1970 - heartbeatOlderThan {
            return "process stopped without ending the run (no heartbeat for \(Int(heartbeatOlderThan)) s)" + last
        }
        if row["host"] as String? == host, let pid: Int32 = row["pid"], !processExists(pid) {
            return "process \(pid) on \(host) stopped without ending the run (killed, or its end could not be written?)" + last
        }
        return nil
    }

    /// SQL for the last time a run of `table` (`runs` or an alias of it) was seen alive: its
    /// heartbeat, its last metric point, log line or cell start or end. The heartbeat alone is
    /// up to 10 s old, which gave a run killed in its first seconds a duration of 0.0 s.
    static func lastSignOfLife(_ table: String) -> String {
        """
        MAX(\(table).heartbeat_at,
            COALESCE((SELECT MAX(v.wall_time) FROM metric_segments s JOIN metric_values v ON v.rowid = s.last_rowid
                      WHERE s.run_id = \(table).id), 0),
            COALESCE((SELECT MAX(wall_time) FROM log_lines WHERE run_id = \(table).id), 0),
            COALESCE((SELECT MAX(COALESCE(ended_at, started_at)) FROM cells WHERE run_id = \(table).id), 0))
        """
    }
}

/// Whether a process with this pid exists (signal 0 checks without sending anything).
private func processExists(_ pid: Int32) -> Bool {
    pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH)
}

extension ParamValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .int(let v): v.databaseValue
        case .float(let v): v.databaseValue
        case .bool(let v): (v ? 1 : 0).databaseValue
        case .string(let v): v.databaseValue
        case .null: .null
        }
    }

    /// Reads a value back from the `value` and `type` columns of `params`.
    init(_ value: DatabaseValue, type: String) {
        switch (type, value.storage) {
        case ("int", .int64(let v)): self = .int(v)
        case ("float", .double(let v)): self = .float(v)
        case ("float", .int64(let v)): self = .float(Double(v))
        case ("bool", .int64(let v)): self = .bool(v != 0)
        case ("string", .string(let v)): self = .string(v)
        case (_, .string(let v)): self = .string(v)
        case (_, .int64(let v)): self = .int(v)
        case (_, .double(let v)): self = .float(v)
        default: self = .null
        }
    }
}
