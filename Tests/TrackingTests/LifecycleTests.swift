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

    @Test func runsOfAProcessThatDiedOnThisHostAreCrashedAtOnce() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let killed = try store.startRun(sampleRun())
        let elsewhere = try store.startRun(sampleRun())
        let alive = try store.startRun(sampleRun())
        // The pid of a process that has certainly ended.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        try store.pool.write {
            try $0.execute(sql: "UPDATE runs SET pid = ?, host = ? WHERE id IN (?, ?)",
                           arguments: [gone.processIdentifier, ProcessInfo.processInfo.hostName, killed.id, elsewhere.id])
            try $0.execute(sql: "UPDATE runs SET host = 'another-host' WHERE id = ?", arguments: [elsewhere.id])
        }
        #expect(try store.markCrashedRuns() == [killed.id])
        let summary = try store.runDetail(killed.id).summary
        #expect(summary.status == .crashed)
        #expect(summary.error?.contains("process \(gone.processIdentifier)") == true)
        // Another host's pid says nothing here: that run waits for the heartbeat rule.
        #expect(try store.runDetail(elsewhere.id).summary.status == .running)
        #expect(try store.runDetail(alive.id).summary.status == .running)
        try alive.finish()
        try elsewhere.finish()
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

/// `funaudio resume` takes up an interrupted or crashed run again.
struct ReopenTests {
    @Test func anInterruptedRunCanBeReopenedAndFinished() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let first = try store.startRun(sampleRun())
        first.record("loss", step: 10, value: 1.0)
        try first.interrupt()
        let resumed = try store.reopenRun(first.id)
        #expect(try store.runDetail(first.id).summary.status == .running)
        #expect(try store.runDetail(first.id).summary.error == nil)
        resumed.record("loss", step: 20, value: 0.5)
        try resumed.finish()
        let detail = try store.runDetail(first.id)
        #expect(detail.summary.status == .finished)
        #expect(detail.summary.finalMetrics == ["loss": 0.5])
        #expect(detail.metrics.first?.points == 2)
    }

    @Test func finishedOrMissingRunsCannotBeReopened() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        try run.finish()
        let error = try #require(throws: TrackingError.self) { try store.reopenRun(run.id) }
        #expect(error.description.contains("only interrupted or crashed runs can be resumed"))
        #expect(throws: TrackingError.noSuchRun("42")) { try store.reopenRun(42) }
    }
}

/// Resuming from a checkpoint: the points logged after it are dropped and logged again.
struct ResumeMetricsTests {
    @Test func aResumedRunEndsWithThePointsOfAnUninterruptedOne() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let loss = { (step: Int) in 1.0 / Double(step + 1) }
        let lr = { (step: Int) in (10..<20).contains(step) ? Double.nan : 0.1 }  // NaN is stored as NULL
        func log(_ run: Run, _ steps: Range<Int>) {
            for step in steps {
                run.record("loss", step: step, value: loss(step))
                run.record("lr", step: step, value: lr(step))
            }
        }
        let reference = try store.startRun(sampleRun())
        log(reference, 0..<30)
        try reference.finish()

        // Interrupted at step 24, last checkpoint at step 19; the points came in two batches.
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 60))
        log(run, 0..<10)
        try run.flush()
        log(run, 10..<25)
        try run.interrupt()
        let resumed = try store.reopenRun(run.id, discardingMetricsAfter: 19)
        #expect(try store.metricSeries(run: run.id, key: "loss").map(\.step) == Array(0...19))
        log(resumed, 20..<30)
        try resumed.finish()

        for key in ["loss", "lr"] {
            let a = try store.metricSeries(run: reference.id, key: key)
            let b = try store.metricSeries(run: run.id, key: key)
            #expect(a.map(\.step) == b.map(\.step))
            #expect(a.map(\.value) == b.map(\.value))
        }
        let summaries = try store.runDetail(run.id).metrics
        #expect(summaries.map(\.points) == [30, 30])
        #expect(summaries.first { $0.key == "loss" }?.minValue == loss(29))
        #expect(try integrity(store) == "ok")
    }
}
