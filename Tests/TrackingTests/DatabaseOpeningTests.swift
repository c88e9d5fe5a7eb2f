import Foundation
import GRDB
import Testing
@testable import Tracking

/// Opening runs.db: created and migrated on first use, and every way it can fail says why.
struct DatabaseOpeningTests {
    @Test func createsAMigratedWALDatabase() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let mode = try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try store.pool.read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
        }
        for name in ["experiments", "runs", "params", "metric_values", "metrics", "artifacts", "blobs",
                     "cells", "tags", "log_lines", "latest_metrics", "run_overview"] {
            #expect(tables.contains(name), "missing \(name)")
        }
        let applied = try store.pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == Schema.migrator.migrations)
    }

    @Test func reopeningKeepsData() throws {
        let dir = try TemporaryDirectory()
        do {
            let run = try RunStore(path: dir.databasePath).startRun(sampleRun())
            try run.finish()
        }
        let store = try RunStore(path: dir.databasePath, create: false)
        #expect(try store.runs().map(\.status) == [.finished])
    }

    @Test func missingDirectoryIsNamed() throws {
        let dir = try TemporaryDirectory()
        let path = dir.url.appendingPathComponent("no/such/dir/runs.db").path
        #expect(throws: TrackingError.directoryMissing(database: path, directory: dir.url.path + "/no/such/dir")) {
            try RunStore(path: path)
        }
    }

    @Test func readingCommandsDoNotCreateADatabase() throws {
        let dir = try TemporaryDirectory()
        #expect(throws: TrackingError.databaseMissing(path: dir.databasePath)) {
            try RunStore(path: dir.databasePath, create: false)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.databasePath))
    }

    @Test func aFileThatIsNotADatabaseIsRefused() throws {
        let dir = try TemporaryDirectory()
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: dir.databasePath))
        let error = try #require(throws: TrackingError.self) { try RunStore(path: dir.databasePath) }
        #expect(error.description.contains("not a FunAudio runs database"))
    }

    @Test func aDatabaseFromANewerSchemaIsRefused() throws {
        let dir = try TemporaryDirectory()
        do {
            let store = try RunStore(path: dir.databasePath)
            try store.pool.write {
                try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
        }
        let error = try #require(throws: TrackingError.self) { try RunStore(path: dir.databasePath) }
        #expect(error == .newerSchema(path: dir.databasePath, unknownMigrations: ["v9-from-the-future"]))
        #expect(error.description.contains("upgrade funaudio"))
    }

    @Test func aLockHeldTooLongGivesALockedError() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath, busyTimeout: 0.2)
        // Another connection (as a `sqlite3` shell would) holds the write lock.
        let other = try DatabaseQueue(path: dir.databasePath)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let error = try #require(throws: TrackingError.self) { try store.startRun(sampleRun()) }
            guard case .locked(let path, _, let operation) = error else {
                Issue.record("expected .locked, got \(error)")
                return
            }
            #expect(path == dir.databasePath)
            #expect(operation.contains("starting a run"))
        }
        // Once the lock is gone, writing works and the file is sound.
        _ = try store.startRun(sampleRun())
        #expect(try integrity(store) == "ok")
    }
}
