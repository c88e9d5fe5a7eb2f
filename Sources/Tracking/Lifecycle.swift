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

    /// Marks `running` runs whose heartbeat is older than `heartbeatOlderThan` seconds as
    /// `crashed` (their process died without ending them) and returns their ids.
    /// Every `funaudio` command calls this first.
    @discardableResult
    public func markCrashedRuns(heartbeatOlderThan: TimeInterval = 60, now: Date = Date()) throws -> [Int64] {
        let cutoff = now.timeIntervalSince1970 - heartbeatOlderThan
        return try write("marking crashed runs") { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM runs WHERE status = 'running' AND heartbeat_at < ?",
                                         arguments: [cutoff])
            guard !ids.isEmpty else { return [] }
            try db.execute(sql: """
                UPDATE runs SET status = 'crashed', ended_at = heartbeat_at,
                    error = 'process stopped without ending the run (no heartbeat for '
                            || CAST(? AS INTEGER) || ' s; last heartbeat ' || datetime(heartbeat_at, 'unixepoch') || ' UTC)'
                WHERE status = 'running' AND heartbeat_at < ?
                """, arguments: [heartbeatOlderThan, cutoff])
            return ids
        }
    }
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
