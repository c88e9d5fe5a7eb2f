import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// What one `merge` did.
public struct MergeSummary: Sendable, Equatable {
    /// One run of a shard and the run of runs.db it became.
    public struct MergedRun: Sendable, Equatable {
        public var shard: String
        public var shardRunID: Int64
        public var runID: Int64
        public var status: RunStatus
        /// `added` (new to runs.db), `updated` (the shard's run went on since the last merge: replaced)
        /// or `unchanged` (merged before as it is: nothing written).
        public var change: String
    }

    public var shards = 0
    public var runs: [MergedRun] = []
    /// Metric points copied (unchanged runs copy none).
    public var points = 0
    /// Artifact rows copied, and how many of their bytes were new to runs.db.
    public var artifacts = 0
    public var newBlobs = 0

    public func count(_ change: String) -> Int { runs.filter { $0.change == change }.count }
}

extension RunStore {
    /// Merges shards (runs.db files written by Slurm tasks, see ``ShardFile``) into this database.
    ///
    /// - Every shard is checked first (``ShardFile/check(_:)``): one that is not a FunAudio
    ///   database, is from a newer FunAudio or is damaged stops the merge before anything is written.
    /// - Each shard is merged in one transaction: a crash or an error in the
    ///   middle leaves runs.db as it was for that shard. Two merges at once take turns (the
    ///   second waits for the lock, up to ``busyTimeout``) and never copy a run twice.
    /// - A run gets a new id here; its sweep id, params, tags, cells, log lines, metric points
    ///   (each segment with its points, in order) and artifacts are copied exactly, and its
    ///   status and times as the shard has them. Artifact bytes are stored once by SHA-256
    ///   and checked against it on the way.
    /// - Idempotent: a run already merged from an unchanged shard is skipped. A shard whose run
    ///   went on since (still running at the last merge, or resumed) replaces what was copied
    ///   before, keeping the run's id here.
    public func merge(shards paths: [String]) throws -> MergeSummary {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        // The connections that checked the shards stay open until the end: attaching a shard
        // then finds its -wal and -shm files there, instead of creating them and deleting
        // them again on detach.
        var checked: [DatabaseQueue] = []
        defer { for queue in checked { try? queue.close() } }
        for shard in paths {
            if URL(fileURLWithPath: shard).standardizedFileURL.path == target {
                throw TrackingError.badShard(path: shard, reason: "it is the database being merged into")
            }
            checked.append(try ShardFile.check(shard))
        }
        var summary = MergeSummary()
        for shard in paths {
            try mergeShard(shard, into: &summary)
            summary.shards += 1
        }
        return summary
    }

    private func mergeShard(_ shard: String, into summary: inout MergeSummary) throws {
        var trash: [(file: URL, aside: URL)] = []
        var result = MergeSummary()
        do {
            try pool.writeWithoutTransaction { db in
                // Not read-only: SQLite cannot open a WAL file read-only once its last writer
                // has closed it (no -shm). The transaction is deferred and its first statement
                // writes runs.db, so runs.db gets the write lock (waiting for it in the busy
                // handler) and the shard only a read lock: a task still writing it goes on.
                try db.execute(sql: "ATTACH DATABASE ? AS shard", arguments: [shard])
                defer { try? db.execute(sql: "DETACH DATABASE shard") }
                try db.inTransaction(.deferred) {
                    var copy = ShardCopy(db: db, shard: shard, store: self)
                    try copy.run()
                    result = copy.summary
                    trash = copy.trash
                    return .commit
                }
            }
        } catch {
            for item in trash { rename(item.aside.path, item.file.path) }
            if case TrackingError.badShard = error { throw error }
            throw Self.translate(error, path: path, operation: "merging shard \(shard)", busyTimeout: busyTimeout)
        }
        for item in trash { unlink(item.aside.path) }
        summary.runs += result.runs
        summary.points += result.points
        summary.artifacts += result.artifacts
        summary.newBlobs += result.newBlobs
    }
}

/// The copy of one attached shard (`shard.`) into the main database (`main.`), inside the
/// merge's transaction.
private struct ShardCopy {
    let db: Database
    let shard: String
    let store: RunStore
    var summary = MergeSummary()
    /// Blob files no artifact names any more, moved aside; removed after the commit.
    var trash: [(file: URL, aside: URL)] = []
    /// Shard run id → run id here, for parent and model-source links within the shard.
    private var runIDs: [Int64: Int64] = [:]
    private var keyIDs: [Int64: Int64] = [:]

    init(db: Database, shard: String, store: RunStore) {
        self.db = db
        self.shard = shard
        self.store = store
    }

    mutating func run() throws {
        // The first statement writes runs.db: it takes the write lock (see ``RunStore/merge(shards:)``).
        try db.execute(sql: """
            INSERT INTO main.metric_keys (name, split, goal, unit)
            SELECT name, split, goal, unit FROM shard.metric_keys WHERE true
            ON CONFLICT (name) DO NOTHING
            """)
        for row in try Row.fetchAll(db, sql: """
            SELECT s.id AS shard_id, m.id AS id FROM shard.metric_keys s JOIN main.metric_keys m ON m.name = s.name
            """) {
            keyIDs[row["shard_id"]] = row["id"]
        }
        let runs = try Row.fetchAll(db, sql: """
            SELECT r.id, r.host, r.started_at, r.config_sha256, r.status, r.parent_run_id, r.model_source_run_id,
                   e.name AS experiment, e.description, e.created_at
            FROM shard.runs r JOIN shard.experiments e ON e.id = r.experiment_id ORDER BY r.id
            """)
        for row in runs { try copyRun(row) }
    }

    private mutating func copyRun(_ row: Row) throws {
        let shardRun: Int64 = row["id"]
        let origin = "\(row["host"] as String)|\(row["started_at"] as Double)|\(row["config_sha256"] as String)|\(shardRun)"
        let stamp = try String.fetchOne(db, sql: Self.stampSQL, arguments: [shardRun]) ?? ""
        let merged = try Row.fetchOne(db, sql: "SELECT run_id, stamp FROM main.merged_runs WHERE origin = ?",
                                      arguments: [origin])
        let status = RunStatus(rawValue: row["status"]) ?? .crashed
        if let merged, merged["stamp"] as String == stamp {
            runIDs[shardRun] = merged["run_id"]
            summary.runs.append(.init(shard: shard, shardRunID: shardRun, runID: merged["run_id"], status: status,
                                      change: "unchanged"))
            return
        }
        let runID: Int64
        var oldHashes: Set<String> = []
        if let merged {
            runID = merged["run_id"]
            oldHashes = try clear(runID)
            try db.execute(sql: """
                UPDATE main.runs SET (file, config, config_sha256, seed, sweep_id, funaudio_version, git_commit, host,
                                      cpu, threads, library_versions, pid, status, error, started_at, ended_at,
                                      heartbeat_at) =
                    (SELECT file, config, config_sha256, seed, sweep_id, funaudio_version, git_commit, host, cpu,
                            threads, library_versions, pid, status, error, started_at, ended_at, heartbeat_at
                     FROM shard.runs WHERE id = ?)
                WHERE id = ?
                """, arguments: [shardRun, runID])
        } else {
            try db.execute(sql: """
                INSERT INTO main.experiments (name, description, created_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO NOTHING
                """, arguments: [row["experiment"], row["description"], row["created_at"]])
            let experimentID = try Int64.fetchOne(db, sql: "SELECT id FROM main.experiments WHERE name = ?",
                                                  arguments: [row["experiment"]])!
            try db.execute(sql: """
                INSERT INTO main.runs (experiment_id, file, config, config_sha256, seed, sweep_id, funaudio_version,
                                       git_commit, host, cpu, threads, library_versions, pid, status, error,
                                       started_at, ended_at, heartbeat_at)
                SELECT ?, file, config, config_sha256, seed, sweep_id, funaudio_version, git_commit, host, cpu,
                       threads, library_versions, pid, status, error, started_at, ended_at, heartbeat_at
                FROM shard.runs WHERE id = ?
                """, arguments: [experimentID, shardRun])
            runID = db.lastInsertedRowID
        }
        runIDs[shardRun] = runID
        let parent = (row["parent_run_id"] as Int64?).flatMap { runIDs[$0] }
        let source = (row["model_source_run_id"] as Int64?).flatMap { runIDs[$0] }
        try db.execute(sql: "UPDATE main.runs SET parent_run_id = ?, model_source_run_id = ? WHERE id = ?",
                       arguments: [parent, source, runID])

        let ids: StatementArguments = [runID, shardRun]
        try db.execute(sql: "INSERT INTO main.params (run_id, key, value, type) SELECT ?, key, value, type "
                       + "FROM shard.params WHERE run_id = ?", arguments: ids)
        try db.execute(sql: "INSERT INTO main.tags (run_id, tag) SELECT ?, tag FROM shard.tags WHERE run_id = ?",
                       arguments: ids)
        try db.execute(sql: """
            INSERT INTO main.cells (run_id, cell_index, kind, status, reused, input_sha256, started_at, ended_at, output)
            SELECT ?, cell_index, kind, status, reused, input_sha256, started_at, ended_at, output
            FROM shard.cells WHERE run_id = ?
            """, arguments: ids)
        try db.execute(sql: """
            INSERT INTO main.log_lines (run_id, wall_time, level, message)
            SELECT ?, wall_time, level, message FROM shard.log_lines WHERE run_id = ? ORDER BY id
            """, arguments: ids)
        try copyMetrics(shardRun, to: runID)
        if status == .running {
            try db.execute(sql: "DELETE FROM main.metric_buckets WHERE run_id = ?", arguments: [runID])
        } else {
            try MetricBuckets.write(run: runID, db)
        }
        try copyArtifacts(shardRun, to: runID)
        try dropUnshared(oldHashes)
        try db.execute(sql: """
            INSERT INTO main.merged_runs (origin, run_id, stamp, shard, merged_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (origin) DO UPDATE SET stamp = excluded.stamp, shard = excluded.shard,
                                               merged_at = excluded.merged_at
            """, arguments: [origin, runID, stamp, shard, Date().timeIntervalSince1970])
        summary.runs.append(.init(shard: shard, shardRunID: shardRun, runID: runID, status: status,
                                  change: merged == nil ? "added" : "updated"))
    }

    /// Everything that changes while a run goes on: its row's state and the count and
    /// last id of each kind of record it has. Equal stamps: nothing to copy again.
    static let stampSQL = """
        SELECT json_array(r.status, r.heartbeat_at, r.ended_at, r.error, r.pid, r.host, r.model_source_run_id,
            (SELECT json_array(COUNT(*), MAX(id), SUM(points)) FROM shard.metric_segments WHERE run_id = r.id),
            (SELECT json_array(COUNT(*), MAX(id)) FROM shard.log_lines WHERE run_id = r.id),
            (SELECT json_array(COUNT(*), MAX(id), SUM(id)) FROM shard.artifacts WHERE run_id = r.id),
            (SELECT json_array(COUNT(*), SUM(started_at), SUM(ended_at), group_concat(status)) FROM shard.cells
              WHERE run_id = r.id),
            (SELECT COUNT(*) FROM shard.tags WHERE run_id = r.id))
        FROM shard.runs r WHERE r.id = ?
        """

    /// Deletes what an earlier merge copied of `runID` (not the row itself) and returns the
    /// hashes of its artifacts, whose bytes go if no artifact names them after the new copy.
    private func clear(_ runID: Int64) throws -> Set<String> {
        let hashes = Set(try String.fetchAll(db, sql: "SELECT sha256 FROM main.artifacts WHERE run_id = ?",
                                             arguments: [runID]))
        for segment in try Row.fetchAll(db, sql: "SELECT first_rowid, last_rowid FROM main.metric_segments WHERE run_id = ?",
                                        arguments: [runID]) {
            try db.execute(sql: "DELETE FROM main.metric_values WHERE rowid BETWEEN ? AND ?",
                           arguments: [segment["first_rowid"], segment["last_rowid"]])
        }
        for table in ["metric_segments", "artifacts", "log_lines", "cells", "tags", "params"] {
            try db.execute(sql: "DELETE FROM main.\(table) WHERE run_id = ?", arguments: [runID])
        }
        return hashes
    }

    /// Copies each segment with its points. The points keep their order and their gaps: each
    /// rowid moves by one offset past the last rowid here, so every segment's range moves by it too.
    private mutating func copyMetrics(_ shardRun: Int64, to runID: Int64) throws {
        let segments = try Row.fetchAll(db, sql: """
            SELECT key_id, cell_index, first_rowid, last_rowid, points, first_step, last_step, last_value, min_value,
                   max_value
            FROM shard.metric_segments WHERE run_id = ? ORDER BY first_rowid
            """, arguments: [shardRun])
        guard let lowest = segments.first?["first_rowid"] as Int64? else { return }
        let end = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(rowid), 0) FROM main.metric_values") ?? 0
        let offset = end + 1 - lowest
        let points = try db.makeStatement(sql: """
            INSERT INTO main.metric_values (rowid, run_id, key_id, step, value, wall_time)
            SELECT rowid + ?, ?, ?, step, value, wall_time FROM shard.metric_values WHERE rowid BETWEEN ? AND ?
            """)
        for segment in segments {
            guard let key = keyIDs[segment["key_id"]] else {
                throw TrackingError.badShard(path: shard, reason: "a metric segment names key \(segment["key_id"] as Int64? ?? -1), "
                    + "which is not in its metric_keys")
            }
            let first: Int64 = segment["first_rowid"]
            let last: Int64 = segment["last_rowid"]
            try points.execute(arguments: [offset, runID, key, first, last])
            guard db.changesCount == Int(last - first + 1), db.changesCount == segment["points"] as Int else {
                throw TrackingError.badShard(path: shard, reason: "a metric segment of run \(shardRun) says "
                    + "\(segment["points"] as Int? ?? 0) points in rowids \(first)...\(last), but \(db.changesCount) are there")
            }
            summary.points += db.changesCount
        }
        // Segments in their shard order (ids break ties between writes at one step).
        try db.execute(sql: """
            INSERT INTO main.metric_segments (run_id, key_id, cell_index, first_rowid, last_rowid, points, first_step,
                                              last_step, last_value, min_value, max_value)
            SELECT ?, (SELECT id FROM main.metric_keys WHERE name = (SELECT name FROM shard.metric_keys k WHERE k.id = s.key_id)),
                   cell_index, first_rowid + ?, last_rowid + ?, points, first_step, last_step, last_value, min_value,
                   max_value
            FROM shard.metric_segments s WHERE run_id = ? ORDER BY id
            """, arguments: [runID, offset, offset, shardRun])
    }

    /// Copies the artifact rows, storing each one's bytes once by SHA-256, checked against it.
    private mutating func copyArtifacts(_ shardRun: Int64, to runID: Int64) throws {
        let hashes = try String.fetchAll(db, sql: "SELECT DISTINCT sha256 FROM shard.artifacts WHERE run_id = ?",
                                         arguments: [shardRun])
        let shardBlobs = URL(fileURLWithPath: shard + "-blobs", isDirectory: true)
        for sha256 in hashes {
            let present = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM main.blobs WHERE sha256 = ?)",
                                            arguments: [sha256]) ?? false
            if present { continue }
            guard let blob = try Row.fetchOne(db, sql: "SELECT size, storage, data FROM shard.blobs WHERE sha256 = ?",
                                              arguments: [sha256]) else {
                throw TrackingError.badShard(path: shard, reason: "an artifact's bytes \(sha256.prefix(12))… are not in its blobs")
            }
            let size: Int = blob["size"]
            let data: Data
            do {
                data = blob["storage"] as String == "inline"
                    ? try BlobFiles.checked(blob["data"] ?? Data(), sha256: sha256, size: size, location: shard + " (table blobs)")
                    : try BlobFiles.read(sha256: sha256, size: size, from: shardBlobs)
            } catch TrackingError.blobDamaged(_, _, let reason) {
                throw TrackingError.badShard(path: shard, reason: "damaged artifact bytes: \(reason)")
            }
            let inline = data.count < store.inlineBlobLimit
            if !inline {
                try BlobFiles.write(data, to: store.blobDirectory, sha256: sha256, operation: "merging shard \(shard)")
            }
            try db.execute(sql: "INSERT INTO main.blobs (sha256, size, storage, data) VALUES (?, ?, ?, ?)",
                           arguments: [sha256, data.count, inline ? "inline" : "file", inline ? data : nil])
            summary.newBlobs += 1
        }
        try db.execute(sql: """
            INSERT INTO main.artifacts (run_id, cell_index, step, kind, name, media_type, size, sha256, created_at)
            SELECT ?, cell_index, step, kind, name, media_type, size, sha256, created_at
            FROM shard.artifacts WHERE run_id = ? ORDER BY id
            """, arguments: [runID, shardRun])
        summary.artifacts += db.changesCount
    }

    /// Deletes the bytes of `hashes` that no artifact names any more (as
    /// ``RunStore/deleteArtifacts(run:ids:)`` does: files moved aside now, removed after the commit).
    private mutating func dropUnshared(_ hashes: Set<String>) throws {
        for sha256 in hashes.sorted() {
            let shared = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM main.artifacts WHERE sha256 = ?)",
                                           arguments: [sha256]) ?? true
            guard !shared else { continue }
            let storage = try String.fetchOne(db, sql: "SELECT storage FROM main.blobs WHERE sha256 = ?", arguments: [sha256])
            try db.execute(sql: "DELETE FROM main.blobs WHERE sha256 = ?", arguments: [sha256])
            if storage == "file" {
                let file = store.blobDirectory.appendingPathComponent(sha256)
                let aside = store.blobDirectory.appendingPathComponent(".\(sha256).deleted-\(getpid())")
                if rename(file.path, aside.path) == 0 { trash.append((file, aside)) }
            }
        }
    }
}

extension RunStore {
    /// The shard run `run` was last merged from (its runs.db path), or nil if it was recorded here.
    public func mergedShard(run: Int64) throws -> String? {
        try read("finding the shard of run \(run)") { db in
            guard try db.tableExists("merged_runs") else { return nil }
            return try String.fetchOne(db, sql: "SELECT shard FROM merged_runs WHERE run_id = ? ORDER BY merged_at DESC LIMIT 1",
                                       arguments: [run])
        }
    }
}
