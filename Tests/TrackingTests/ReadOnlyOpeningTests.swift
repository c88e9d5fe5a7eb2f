import Foundation
import GRDB
import Testing
@testable import Tracking

/// Reading commands open runs.db read-only: they write nothing, not even to mark dead runs,
/// and they never migrate.
struct ReadOnlyOpeningTests {
    /// The database files' bytes (main file, WAL and shared memory) and the folder's names.
    private func snapshot(_ dir: TemporaryDirectory) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.url.path) where !name.hasSuffix("-shm") {
            files[name] = FileManager.default.contents(atPath: dir.url.appendingPathComponent(name).path) ?? Data()
        }
        return files
    }

    /// A database with a finished run and a run whose process is gone (pid 0x7fff_fff0).
    private func makeDatabase(_ dir: TemporaryDirectory) throws -> (finished: Int64, dead: Int64) {
        let store = try RunStore(path: dir.databasePath)
        let finished = try store.startRun(sampleRun())
        finished.record("train.loss", step: 1, value: 0.5)
        try finished.finish()
        let dead = try store.startRun(sampleRun())
        let start = Date().addingTimeInterval(-6)
        try store.pool.write {
            try $0.execute(sql: "UPDATE runs SET host = ?, pid = 2147483632, started_at = ?, heartbeat_at = ? WHERE id = ?",
                           arguments: [ProcessInfo.processInfo.hostName, start.timeIntervalSince1970,
                                       start.timeIntervalSince1970, dead.id])
        }
        dead.record("train.loss", step: 1, value: 0.7, at: start.addingTimeInterval(4))
        // Its writer stops (nothing may write after the test's snapshot), then it is running again.
        try dead.interrupt()
        try store.pool.write {
            try $0.execute(sql: "UPDATE runs SET status = 'running', ended_at = NULL, error = NULL, heartbeat_at = ? WHERE id = ?",
                           arguments: [start.timeIntervalSince1970, dead.id])
        }
        try store.pool.close()
        return (finished.id, dead.id)
    }

    @Test func readingWritesNothing() throws {
        let dir = try TemporaryDirectory()
        let ids = try makeDatabase(dir)
        let before = try snapshot(dir)
        do {
            let store = try RunStore(path: dir.databasePath, access: .readOnly)
            #expect(try store.runs().count == 2)
            _ = try store.runDetail(ids.finished)
            _ = try store.execute(sql: "SELECT 1")
            #expect(throws: TrackingError.self) { try store.execute(sql: "DELETE FROM runs", allowWrites: true) }
        }
        #expect(try snapshot(dir) == before)
    }

    @Test func aDeadRunReadsAsCrashedWithoutBeingWritten() throws {
        let dir = try TemporaryDirectory()
        let ids = try makeDatabase(dir)
        let store = try RunStore(path: dir.databasePath, access: .readOnly)
        let dead = try #require(try store.runs().first { $0.id == ids.dead })
        #expect(dead.status == .crashed)
        #expect(dead.error?.contains("killed") == true, "\(dead.error ?? "")")
        // Up to its last point (4 s after the start), not a 0.0 s duration.
        #expect(dead.duration > 3.5 && dead.duration < 5, "\(dead.duration)")
        #expect(try store.runs(RunFilter(status: .running)).isEmpty)
        #expect(try store.runs(RunFilter(status: .crashed)).map(\.id) == [ids.dead])
        let stored = try store.pool.read { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = ?", arguments: [ids.dead]) }
        #expect(stored == "running")
    }

    @Test func aRunMarkedCrashedLastsUntilItsLastPoint() throws {
        let dir = try TemporaryDirectory()
        let ids = try makeDatabase(dir)
        let store = try RunStore(path: dir.databasePath)
        #expect(try store.markCrashedRuns() == [ids.dead])
        let dead = try #require(try store.runs().first { $0.id == ids.dead })
        #expect(dead.duration > 3.5 && dead.duration < 5, "\(dead.duration)")
    }

    @Test func aCrashedRunWithNoSignOfLifeHasNoExactDuration() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        try store.pool.write {
            try $0.execute(sql: "UPDATE runs SET host = ?, pid = 2147483632 WHERE id = ?",
                           arguments: [ProcessInfo.processInfo.hostName, run.id])
        }
        try store.markCrashedRuns()
        let summary = try #require(try store.runs().first)
        #expect(summary.status == .crashed && summary.duration < 0.05)  // `funaudio list` shows "<10 s"
    }

    /// A database of the code at 5e80363 (only the first migration): a reader says to migrate
    /// and changes nothing; a writer migrates it, and the metrics it held gain the goals and
    /// cells that reports used to guess on every read.
    @Test func aDatabaseWrittenByTheFirstSchemaIsMigratedByAWriterOnly() throws {
        let dir = try TemporaryDirectory()
        do {
            let old = try DatabaseQueue(path: dir.databasePath)
            try old.write { db in
                try db.execute(sql: Schema.v1)
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1-runs-metrics-artifacts')")
                try db.execute(sql: "INSERT INTO experiments VALUES (1, 'old', NULL, 1)")
                try db.execute(sql: """
                    INSERT INTO runs (id, experiment_id, config, config_sha256, funaudio_version, host, cpu,
                                      threads, pid, status, started_at, ended_at, heartbeat_at)
                    VALUES (1, 1, 'name: old', 'x', '0.1.0', 'h', 'c', 1, 1, 'finished', 1, 30, 30);
                    INSERT INTO cells (run_id, cell_index, kind, status, started_at, ended_at)
                    VALUES (1, 0, 'prepare', 'finished', 1, 10), (1, 1, 'train', 'finished', 10, 20);
                    INSERT INTO metric_keys (id, name) VALUES (1, 'train.utterances_per_s'), (2, 'train.lr');
                    INSERT INTO metric_values (run_id, key_id, step, value, wall_time)
                    VALUES (1, 1, 1, 30, 11), (1, 1, 2, 40, 12), (1, 1, 3, 35, 13), (1, 2, 1, 0.1, 11);
                    INSERT INTO metric_segments (run_id, key_id, first_rowid, last_rowid, points, first_step,
                                                 last_step, last_value, min_value, max_value)
                    VALUES (1, 1, 1, 3, 3, 1, 3, 35, 30, 40), (1, 2, 4, 4, 1, 1, 1, 0.1, 0.1, 0.1);
                    """)
            }
        }
        let before = try snapshot(dir)
        #expect {
            try RunStore(path: dir.databasePath, access: .readOnly).runs()
        } throws: { error in
            "\(error)".contains("v3-metric-goals-and-cells") && "\(error)".contains("funaudio migrate")
        }
        #expect(try snapshot(dir) == before)
        let store = try RunStore(path: dir.databasePath)
        #expect(try store.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
                == Schema.migrator.migrations)
        let metrics = try store.runDetail(1).metrics
        #expect(metrics.map(\.key) == ["train.lr", "train.utterances_per_s"])
        #expect(metrics.map(\.goal) == [.none, .maximize])
        #expect(metrics.map(\.cell) == [1, 1])
        #expect(metrics[1].bestValue == 40 && metrics[1].bestStep == 2 && metrics[0].bestValue == nil)
    }

    @Test func aReaderRefusesADatabaseItCannotReadUnmigrated() throws {
        let dir = try TemporaryDirectory()
        do {
            let other = try DatabaseQueue(path: dir.databasePath)
            try other.write { try $0.execute(sql: "CREATE TABLE notes (text TEXT)") }
        }
        let before = try snapshot(dir)
        let error = #expect(throws: TrackingError.self) { try RunStore(path: dir.databasePath, access: .readOnly) }
        #expect("\(error!)".contains("funaudio migrate"), "\(error!)")
        #expect(try snapshot(dir) == before)
    }
}
