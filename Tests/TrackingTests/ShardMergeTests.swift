import Foundation
import GRDB
import Testing
@testable import Tracking

/// `funaudio merge`: shards (the runs.db of each Slurm task) into one runs.db.
struct ShardMergeTests {
    static let loss = Metric("train.loss", goal: .minimize)
    static let lr = Metric("train.lr", goal: .none)

    /// A shard in `dir/name/runs.db` with one finished run of a sweep: params, tags, cells,
    /// log lines, points in several batches, an inline artifact, a file artifact and an
    /// artifact whose bytes every shard shares.
    @discardableResult
    static func makeShard(_ dir: TemporaryDirectory, _ name: String, point: Int, points: Int = 300,
                          finish: Bool = true) throws -> (path: String, run: Run) {
        let folder = dir.url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("runs.db").path
        let store = try RunStore(path: path, inlineBlobLimit: 64)
        let run = try store.startRun(sampleRun("sweep", params: ["model.fusion.kind": .string("film-\(point)"),
                                                              "train.lr": .float(0.001 * Double(point + 1))],
                                               sweepID: "sweep-123"),
                                     writerOptions: WriterOptions(flushInterval: 0.01))
        try run.tag("sweep: point \(point)")
        try run.startCell(0, kind: "prepare", inputSHA256: "abc")
        try run.finishCell(0, output: "{\"utterances\": 3}")
        try run.startCell(1, kind: "train")
        for step in 0..<points {
            run.record(loss, step: step, value: Double(point) + 1 / Double(step + 1), cell: 1)
            if step % 3 == 0 { run.record(lr, step: step, value: .nan, cell: 1) }
            if step % 100 == 99 { try run.flush() }  // several segments per key
        }
        run.log("point \(point) trained")
        try run.putArtifact(name: "notes.txt", kind: "text", mediaType: "text/plain", data: Data("point \(point)".utf8), cell: 1)
        try run.putArtifact(name: "ckpt", kind: "checkpoint", mediaType: "application/octet-stream",
                            data: Data(repeating: UInt8(point), count: 500), cell: 1, step: points)
        try run.putArtifact(name: "shared.bin", kind: "data", mediaType: "application/octet-stream",
                            data: Data(repeating: 7, count: 300))
        if finish {
            try run.finishCell(1)
            try run.finish()
        } else {
            try run.flush()
        }
        return (path, run)
    }

    /// Everything a run holds except its id: its row (without ids), params, tags, cells,
    /// log lines, metric segments and points in order, artifacts and their bytes.
    static func contents(_ store: RunStore, run: Int64) throws -> [String] {
        try store.pool.read { db in
            func rows(_ sql: String) throws -> [String] {
                try Row.fetchAll(db, sql: sql, arguments: [run]).map { row in
                    row.databaseValues.map(\.description).joined(separator: "|")
                }
            }
            return try rows("""
                SELECT e.name, r.file, r.config, r.config_sha256, r.seed, r.sweep_id, r.funaudio_version, r.git_commit,
                       r.host, r.cpu, r.threads, r.library_versions, r.pid, r.status, r.error, r.started_at, r.ended_at,
                       r.heartbeat_at
                FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?
                """)
                + rows("SELECT key, value, type, typeof(value) FROM params WHERE run_id = ? ORDER BY key")
                + rows("SELECT tag FROM tags WHERE run_id = ? ORDER BY tag")
                + rows("SELECT cell_index, kind, status, reused, input_sha256, started_at, ended_at, output FROM cells WHERE run_id = ? ORDER BY cell_index")
                + rows("SELECT wall_time, level, message FROM log_lines WHERE run_id = ? ORDER BY id")
                + rows("""
                    SELECT k.name, k.goal, s.cell_index, s.points, s.first_step, s.last_step, s.last_value, s.min_value,
                           s.max_value, s.last_rowid - s.first_rowid FROM metric_segments s JOIN metric_keys k ON k.id = s.key_id
                    WHERE s.run_id = ? ORDER BY s.id
                    """)
                + rows("""
                    SELECT k.name, v.step, v.value, v.wall_time FROM metric_segments s JOIN metric_keys k ON k.id = s.key_id
                    JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid WHERE s.run_id = ? ORDER BY s.id, v.rowid
                    """)
                + rows("""
                    SELECT cell_index, step, kind, name, media_type, size, sha256, created_at FROM artifacts
                    WHERE run_id = ? ORDER BY id
                    """)
                + rows("SELECT * FROM latest_metrics WHERE run_id = ? ORDER BY key").map { String($0.drop { $0 != "|" }) }
        } + store.artifacts(run: run).map { try SHA256.hex(store.data(of: $0)) }
    }

    @Test func copiesEveryRecordExactlyWithNewIDs() throws {
        let dir = try TemporaryDirectory()
        let shards = try (0..<3).map { try Self.makeShard(dir, "shard\($0)", point: $0).path }
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 256)
        try store.startRun(sampleRun("local")).finish()  // ids here are taken: the shards' runs move

        let summary = try store.merge(shards: shards)
        #expect(summary.shards == 3)
        #expect(summary.runs.map(\.change) == ["added", "added", "added"])
        #expect(summary.runs.map(\.runID) == [2, 3, 4])
        #expect(summary.points == 3 * (300 + 100))
        for (shard, merged) in zip(shards, summary.runs) {
            let source = try RunStore(path: shard, access: .readOnly)
            #expect(try Self.contents(store, run: merged.runID) == Self.contents(source, run: 1))
        }
        #expect(try store.runs().filter { $0.sweepID == "sweep-123" }.count == 3)
        // 3 notes, 3 checkpoints and one shared blob; 500-byte checkpoints are files here.
        #expect(try count(store, "blobs") == 7)
        #expect(try count(store, "artifacts") == 9)
        let files = try FileManager.default.contentsOfDirectory(atPath: store.blobDirectory.path)
        #expect(files.count == 4)  // 3 checkpoints and the shared 300-byte blob
        #expect(try integrity(store) == "ok")
    }

    @Test func mergingAgainAddsNothing() throws {
        let dir = try TemporaryDirectory()
        let shards = try (0..<2).map { try Self.makeShard(dir, "s\($0)", point: $0).path }
        let store = try RunStore(path: dir.databasePath)
        _ = try store.merge(shards: shards)
        let tables = ["runs", "metric_values", "metric_segments", "artifacts", "blobs", "log_lines", "cells", "params", "tags"]
        let before = try tables.map { try count(store, $0) }
        let again = try store.merge(shards: shards + [shards[0]])
        #expect(again.runs.map(\.change) == ["unchanged", "unchanged", "unchanged"])
        #expect(again.points == 0)
        #expect(try tables.map { try count(store, $0) } == before)
    }

    /// A task still running: merged as far as it got, then again when it has gone on (a
    /// checkpoint replaced, the run resumed from it): the same run id, and the end state.
    @Test func aRunningShardMergesAsFarAsItGotAndAgainLater() throws {
        let dir = try TemporaryDirectory()
        let (path, run) = try Self.makeShard(dir, "s0", point: 0, points: 200, finish: false)
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 64)
        let first = try store.merge(shards: [path])
        #expect(first.runs.map(\.status) == [.running])
        #expect(try store.metricSeries(run: first.runs[0].runID, key: "train.loss").count == 200)

        for step in 200..<250 { run.record(Self.loss, step: step, value: 0.5, cell: 1) }
        let old = try run.store.artifacts(run: run.id).filter { $0.kind == "checkpoint" }.map(\.id)
        try run.putArtifact(name: "ckpt", kind: "checkpoint", mediaType: "application/octet-stream",
                            data: Data(repeating: 9, count: 600), cell: 1, step: 250)
        try run.store.deleteArtifacts(run: run.id, ids: old)
        try run.interrupt()
        let resumed = try run.store.reopenRun(run.id, discardingMetricsAfter: 220)
        for step in 221..<260 { resumed.record(Self.loss, step: step, value: 0.25, cell: 1) }
        try resumed.finish()

        let second = try store.merge(shards: [path])
        #expect(second.runs.map(\.change) == ["updated"])
        #expect(second.runs[0].runID == first.runs[0].runID)
        #expect(try Self.contents(store, run: second.runs[0].runID) == Self.contents(run.store, run: run.id))
        #expect(try count(store, "runs") == 1)
        // The replaced checkpoint's bytes went with it: checkpoint, notes, shared blob.
        #expect(try count(store, "blobs") == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.blobDirectory.path).sorted()
                == store.pool.read { try String.fetchAll($0, sql: "SELECT sha256 FROM blobs WHERE storage = 'file' ORDER BY sha256") })
        #expect(try integrity(store) == "ok")
    }

    /// Two merges at once (as two `funaudio merge` would): they take turns, no run twice.
    @Test func twoMergesAtOnceTakeTurns() async throws {
        let dir = try TemporaryDirectory()
        let shards = try (0..<4).map { try Self.makeShard(dir, "s\($0)", point: $0).path }
        let path = dir.databasePath
        _ = try RunStore(path: path)
        let summaries = try await withThrowingTaskGroup(of: MergeSummary.self) { group in
            for _ in 0..<2 { group.addTask { try RunStore(path: path).merge(shards: shards) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(summaries.flatMap(\.runs).filter { $0.change == "added" }.count == 4)
        let store = try RunStore(path: path)
        #expect(try count(store, "runs") == 4)
        #expect(try count(store, "metric_values") == 4 * 400)
        #expect(try integrity(store) == "ok")
    }

    /// A shard whose bytes turn out damaged halfway through its copy: runs.db keeps nothing of it.
    @Test func aFailureInsideAShardLeavesNothingOfIt() throws {
        let dir = try TemporaryDirectory()
        let good = try Self.makeShard(dir, "good", point: 0).path
        let bad = try Self.makeShard(dir, "bad", point: 1).path
        let store = try RunStore(path: dir.databasePath)
        _ = try store.merge(shards: [good])
        let tables = ["runs", "metric_values", "metric_segments", "artifacts", "blobs", "log_lines", "cells", "merged_runs"]
        let before = try tables.map { try count(store, $0) }
        let checkpoint = try RunStore(path: bad).artifact(run: 1, name: "ckpt")
        try Data(repeating: 0, count: 500).write(to: URL(fileURLWithPath: bad + "-blobs/" + checkpoint.sha256))
        #expect {
            try store.merge(shards: [bad])
        } throws: { error in
            "\(error)".contains(bad) && "\(error)".contains("damaged") && "\(error)".contains("nothing of this shard")
        }
        #expect(try tables.map { try count(store, $0) } == before)
        #expect(try integrity(store) == "ok")
    }

    /// A plain connection that waits while a store just released still closes the file.
    static func queue(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    @Test(arguments: ["text", "newer", "truncated", "foreign"])
    func aBadShardIsRefusedByNameBeforeAnythingIsMerged(kind: String) throws {
        let dir = try TemporaryDirectory()
        let good = try Self.makeShard(dir, "good", point: 0).path
        let folder = dir.url.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("runs.db").path
        var expected = ""
        switch kind {
        case "text":
            try Data("name: not a database\n".utf8).write(to: URL(fileURLWithPath: bad))
            expected = "not a FunAudio database"
        case "newer":
            try RunStore(path: bad).startRun(sampleRun()).finish()
            try Self.queue(bad).write {
                try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
            expected = "newer FunAudio"
        case "truncated":
            do {
                let store = try RunStore(path: bad)
                let run = try store.startRun(sampleRun())
                for step in 0..<20_000 { run.record(Self.loss, step: step, value: Double(step)) }
                try run.finish()
            }
            try Self.queue(bad).writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            let size = try FileManager.default.attributesOfItem(atPath: bad)[.size] as! Int
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bad))
            try handle.truncate(atOffset: UInt64(size / 2))
            try handle.close()
            expected = "truncated"
        default:
            try Self.queue(bad).write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
            expected = "not a FunAudio database"
        }
        let store = try RunStore(path: dir.databasePath)
        #expect {
            try store.merge(shards: [good, bad])
        } throws: { error in
            "\(error)".contains(bad) && "\(error)".contains(expected)
        }
        #expect(try count(store, "runs") == 0)
    }

    @Test func findsTheShardsOfAFolderInOrder() throws {
        let dir = try TemporaryDirectory()
        for point in [2, 0, 1] { try Self.makeShard(dir, "shards/sweep/\(point)", point: point) }
        let found = try ShardFile.find(in: dir.url.appendingPathComponent("shards").path)
        #expect(found.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent } == ["0", "1", "2"])
        #expect(try ShardFile.resolve(dir.url.appendingPathComponent("shards/sweep/1").path) == found[1])
        #expect(throws: TrackingError.self) { try ShardFile.resolve(dir.url.appendingPathComponent("nothing").path) }
    }
}
