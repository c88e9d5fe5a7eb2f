import Foundation
import GRDB
import Testing
@testable import Tracking

/// A run goes running → finished / failed / interrupted, or crashed when its process dies.
struct LifecycleTests {
    @Test func startRecordsEverythingTheRunnerKnows() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let params: [String: ParamValue] = ["model.fusion.kind": .string("film"), "train.lr": .float(0.001),
                                            "train.steps": .int(200), "data.trim": .bool(true), "model.bert": .null]
        var description = sampleRun(params: params, sweepID: "sweep-1")
        description.tags = ["baseline"]
        let run = try store.startRun(description)
        let detail = try store.runDetail(run.id)
        #expect(detail.summary.status == .running)
        #expect(detail.summary.params == params)
        #expect(detail.summary.sweepID == "sweep-1")
        #expect(detail.config == "name: quickstart\nseed: 7\n")
        #expect(detail.configSHA256 == SHA256.hex("name: quickstart\nseed: 7\n"))
        #expect(detail.environment == description.environment)
        #expect(detail.tags == ["baseline"])
        #expect(detail.pid == Int(ProcessInfo.processInfo.processIdentifier))
        let types = try store.pool.read {
            try String.fetchAll($0, sql: "SELECT type FROM params WHERE run_id = ? ORDER BY key", arguments: [run.id])
        }
        #expect(types == ["bool", "null", "string", "float", "int"])
        try run.finish()
    }

    @Test func finishFailAndInterruptSetStatusEndTimeAndError() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let a = try store.startRun(sampleRun())
        let b = try store.startRun(sampleRun())
        let c = try store.startRun(sampleRun())
        try a.finish()
        try b.fail("loss became NaN at step 12")
        try c.interrupt()
        let byID = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.id, $0) })
        #expect(byID[a.id]?.status == .finished)
        #expect(byID[a.id]?.error == nil)
        #expect(byID[b.id]?.status == .failed)
        #expect(byID[b.id]?.error == "loss became NaN at step 12")
        #expect(byID[c.id]?.status == .interrupted)
        for summary in byID.values {
            #expect(summary.endedAt != nil)
            #expect(summary.duration >= 0)
        }
    }

    @Test func endingTwiceIsAnError() throws {
        let dir = try TemporaryDirectory()
        let run = try RunStore(path: dir.databasePath).startRun(sampleRun())
        try run.finish()
        #expect(throws: TrackingError.runClosed(run: run.id)) { try run.fail("late") }
    }

    @Test func silentRunsAreMarkedCrashedAfterAMinute() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let alive = try store.startRun(sampleRun())
        let dead = try store.startRun(sampleRun())
        let finished = try store.startRun(sampleRun())
        try finished.finish()
        let longAgo = Date().timeIntervalSince1970 - 61
        try store.pool.write {
            try $0.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE id IN (?, ?)",
                           arguments: [longAgo, dead.id, finished.id])
        }
        #expect(try store.markCrashedRuns() == [dead.id])
        let summaries = Dictionary(uniqueKeysWithValues: try store.runs().map { ($0.id, $0) })
        #expect(summaries[dead.id]?.status == .crashed)
        #expect(summaries[dead.id]?.error?.contains("no heartbeat for 60 s") == true)
        #expect(summaries[alive.id]?.status == .running)
        #expect(summaries[finished.id]?.status == .finished)
        #expect(try store.markCrashedRuns() == [])
    }

    @Test func theWriterKeepsTheHeartbeatFresh() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 0.05, heartbeatInterval: 0.1))
        let started = try store.runDetail(run.id).heartbeatAt
        Thread.sleep(forTimeInterval: 0.4)
        #expect(try store.runDetail(run.id).heartbeatAt > started)
        // Even a run whose heartbeat is fresh is not crashed.
        #expect(try store.markCrashedRuns() == [])
        try run.finish()
    }

    @Test func cellsRecordStatusReuseAndOutput() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let first = try store.startRun(sampleRun())
        try first.startCell(0, kind: "prepare", inputSHA256: "feed")
        try first.finishCell(0, output: "{\"utterances\": 120}")
        try first.startCell(1, kind: "train")
        try first.finishCell(1, status: .failed, output: "diverged")
        try first.finish()

        let cached = try #require(try store.reusableCell(kind: "prepare", inputSHA256: "feed"))
        #expect(cached.run == first.id)
        #expect(cached.cell.output == "{\"utterances\": 120}")
        #expect(try store.reusableCell(kind: "prepare", inputSHA256: "beef") == nil)

        let second = try store.startRun(sampleRun())
        try second.reuseCell(0, kind: "prepare", inputSHA256: "feed", output: cached.cell.output)
        let cells = try store.runDetail(second.id).cells
        #expect(cells.map(\.reused) == [true])
        #expect(cells.map(\.status) == ["reused"])
        #expect(throws: TrackingError.self) { try second.finishCell(5) }
        try second.finish()
    }
}
