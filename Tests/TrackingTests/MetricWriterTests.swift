import Foundation
import GRDB
import Testing
@testable import Tracking

/// Metric points and log lines are buffered and written by a background thread in batches.
struct MetricWriterTests {
    @Test func everyPointIsWrittenByTheEnd() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        // 7 rows per statement, 1000 points: full statements plus a remainder of 6.
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(rowsPerStatement: 7))
        for step in 0..<500 {
            run.record("train.loss", step: step, value: 1.0 / Double(step + 1))
            run.record("train.lr", step: step, value: 0.001)
        }
        try run.finish()
        #expect(try count(store, "metric_values") == 1000)
        let loss = try store.metricSeries(run: run.id, key: "train.loss")
        #expect(loss.count == 500)
        #expect(loss.first?.step == 0 && loss.first?.value == 1.0)
        #expect(loss.last?.step == 499 && loss.last?.value == 1.0 / 500)
    }

    @Test func pointsReachTheDatabaseWithinTheFlushIntervalWithoutAnyCall() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 0.2))
        run.record("loss", step: 1, value: 0.5)
        run.log("step 1 done")
        // What another process (or a crash right now) would see after the interval.
        let deadline = Date().addingTimeInterval(2)
        var seen = 0
        while seen == 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            seen = try count(store, "metric_values")
        }
        #expect(seen == 1)
        #expect(try count(store, "log_lines") == 1)
        try run.finish()
    }

    @Test func flushWaitsForTheWrite() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 60))
        for step in 0..<10 { run.record("loss", step: step, value: Double(step)) }
        try run.flush()
        #expect(try count(store, "metric_values") == 10)
        try run.finish()
    }

    @Test func viewsGiveLatestAndBestValues() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(params: ["model.fusion.kind": .string("concat")]))
        for (step, value) in [(0, 3.0), (10, 1.0), (20, 2.0)] { run.record("val.loss", step: step, value: value) }
        run.record("val.loss", step: 5, value: 9.0)  // logged late, but not the latest step
        run.record("nan.metric", step: 1, value: .nan)
        try run.finish()

        let latest = try store.pool.read {
            try Row.fetchAll($0, sql: "SELECT key, step, value FROM latest_metrics WHERE run_id = ? ORDER BY key",
                             arguments: [run.id])
        }
        #expect(latest.map { $0["key"] as String } == ["nan.metric", "val.loss"])
        #expect(latest[0]["value"] as Double? == nil)  // NaN is stored as NULL
        #expect(latest[1]["step"] as Int == 20)
        #expect(latest[1]["value"] as Double == 2.0)

        let overview = try #require(try store.pool.read {
            try Row.fetchOne($0, sql: """
                SELECT json_extract(params, '$."model.fusion.kind"') AS fusion,
                       json_extract(final_metrics, '$."val.loss"') AS final,
                       json_extract(min_metrics, '$."val.loss"') AS best
                FROM run_overview WHERE run_id = ?
                """, arguments: [run.id])
        })
        #expect(overview["fusion"] as String == "concat")
        #expect(overview["final"] as Double == 2.0)
        #expect(overview["best"] as Double == 1.0)
        #expect(try store.runs().first?.finalMetrics["val.loss"] == 2.0)
    }

    @Test func keysAreSharedAcrossRuns() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        for _ in 0..<3 {
            let run = try store.startRun(sampleRun())
            run.record("train.loss", step: 0, value: 1)
            try run.finish()
        }
        #expect(try count(store, "metric_keys") == 1)
        #expect(try count(store, "metrics") == 3)
    }

    @Test func logLinesAreCapturedInOrder() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        run.log("loading corpus")
        run.log("loss is high", level: .warning)
        try run.finish()
        let lines = try store.runDetail(run.id).logLines
        #expect(lines.map(\.message) == ["loading corpus", "loss is high"])
        #expect(lines.map(\.level) == ["info", "warning"])
    }

    @Test func recordingFromManyThreadsLosesNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 0.01, wakeThreshold: 100))
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<4 {
                group.addTask {
                    for step in 0..<2000 { run.record(Metric("thread\(t)", goal: .none), step: step, value: Double(step)) }
                }
            }
        }
        try run.finish()
        let perKey = try await store.pool.read {
            try Int.fetchAll($0, sql: "SELECT points FROM metric_summary WHERE run_id = ?", arguments: [run.id])
        }
        #expect(perKey == [2000, 2000, 2000, 2000])
    }

    /// A writer that cannot get the lock keeps its points and writes them once it can.
    @Test func aLockedDatabaseDelaysPointsButLosesNone() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath, busyTimeout: 0.1)
        let run = try store.startRun(sampleRun(), writerOptions: WriterOptions(flushInterval: 0.05))
        let other = try DatabaseQueue(path: dir.databasePath)
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            for step in 0..<100 { run.record("loss", step: step, value: Double(step)) }
            let error = try #require(throws: TrackingError.self) { try run.flush() }
            guard case .locked = error else {
                Issue.record("expected .locked, got \(error)")
                return
            }
            try db.execute(sql: "ROLLBACK")
        }
        for step in 100..<150 { run.record("loss", step: step, value: Double(step)) }
        try run.finish()
        #expect(try count(store, "metric_values") == 150)
        #expect(try store.metricSeries(run: run.id, key: "loss").map(\.step) == Array(0..<150))
    }
}
