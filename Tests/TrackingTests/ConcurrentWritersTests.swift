import Foundation
import GRDB
import Testing
@testable import Tracking

/// Many writers on one runs.db (a sweep with `--jobs N`): WAL lets one write at a time; each
/// write is a short `BEGIN IMMEDIATE` transaction that waits in SQLite's busy handler for the
/// lock, so no "database is locked" reaches the caller and no row is lost.
struct ConcurrentWritersTests {
    static let runsPerWriter = 3
    static let pointsPerRun = 5_000

    /// What each writer does: open its own store (its own connections) and record runs.
    static func writeRuns(path: String, writer: Int) throws {
        let store = try RunStore(path: path)
        for r in 0..<runsPerWriter {
            let run = try store.startRun(sampleRun("writer-\(writer)", params: ["run": .int(Int64(r))]),
                                         writerOptions: WriterOptions(flushInterval: 0.01, wakeThreshold: 1000))
            for step in 0..<pointsPerRun { run.record("loss", step: step, value: Double(step)) }
            run.log("writer \(writer) run \(r)")
            try run.putArtifact(name: "out.txt", kind: "text", mediaType: "text/plain",
                                data: Data("writer \(writer) run \(r)".utf8))
            try run.finish()
        }
    }

    static func expectAllRows(_ path: String, writers: Int) throws {
        let store = try RunStore(path: path)
        let runs = writers * runsPerWriter
        #expect(try count(store, "runs") == runs)
        #expect(try count(store, "experiments") == writers)
        #expect(try count(store, "metric_values") == runs * pointsPerRun)
        #expect(try count(store, "artifacts") == runs)
        #expect(try count(store, "log_lines") == runs)
        #expect(try store.runs(RunFilter(status: .finished)).count == runs)
        #expect(try integrity(store) == "ok")
    }

    @Test func severalPoolsOnOneFileAcrossThreads() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.databasePath
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask { try Self.writeRuns(path: path, writer: writer) }
            }
            try await group.waitForAll()
        }
        try Self.expectAllRows(path, writers: 4)
    }

    /// Separate processes (Swift Testing exit tests run in a child copy of the test binary),
    /// all creating the same new database at the same moment.
    @Test func severalProcessesOnOneFile() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.databasePath
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    await #expect(processExitsWith: .success) { [path = path as String, writer = writer as Int] in
                        try ConcurrentWritersTests.writeRuns(path: path, writer: writer)
                    }
                }
            }
        }
        try Self.expectAllRows(path, writers: 4)
        let pids = try await RunStore(path: path).pool.read { try Int32.fetchAll($0, sql: "SELECT DISTINCT pid FROM runs") }
        #expect(pids.count == 4)
        #expect(!pids.contains(getpid()))
    }
}
