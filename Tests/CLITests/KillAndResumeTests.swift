import Foundation
import GRDB
import Testing
import Tracking

/// A run killed with SIGKILL (no chance to checkpoint or say goodbye) is marked `crashed`
/// by the next command and `funaudio resume` ends it with an uninterrupted run's metrics.
@Suite struct KillAndResumeTests {
    @Test func aKilledRunResumesToTheMetricsOfAnUninterruptedOne() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 40, checkpointEvery: 4)])
        let whole = try FunAudioProcess.run(["run", "tiny.yaml", "--db", "whole.db"], in: folder.url)
        #expect(whole.status == 0, "\(whole.output)")

        let killed = try FunAudioProcess(["run", "tiny.yaml", "--db", "killed.db"], in: folder.url)
        let store = try waitForDatabase(folder.path("killed.db"))
        let deadline = Date().addingTimeInterval(240)
        while try lastCheckpointStep(store) < 12, Date() < deadline, killed.process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(killed.process.isRunning, "the run ended before it could be killed")
        kill(killed.pid, SIGKILL)
        _ = killed.finish()
        #expect(killed.process.terminationReason == .uncaughtSignal)
        // Nobody has written since: runs.db still says running, though readers see it crashed.
        #expect(try store.pool.read { try String.fetchOne($0, sql: "SELECT status FROM runs") } == "running")
        #expect(try store.runs().first?.status == .crashed)

        let listing = try FunAudioProcess.run(["list", "--db", "killed.db"], in: folder.url)
        #expect(listing.output.contains("crashed"), "\(listing.output)")
        let resumed = try FunAudioProcess.run(["resume", "1", "--db", "killed.db"], in: folder.url)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try store.integrity() == "ok")
        #expect(try store.runs().first?.status == .finished)

        let reference = try RunStore(path: folder.path("whole.db"), create: false)
        let expected = try reference.deterministicMetrics(run: 1)
        let metrics = try store.deterministicMetrics(run: 1)
        #expect(metrics["train.loss@40"] != nil)
        // Bitwise the same points: none lost, none recorded twice.
        #expect(Set(metrics.keys) == Set(expected.keys))
        for (key, values) in expected {
            #expect(metrics[key] == values, "\(key)")
        }
    }

    private func waitForDatabase(_ path: String) throws -> RunStore {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let store = try? RunStore(path: path, create: false), (try? store.runs().count) == 1 { return store }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CancellationError()
    }

    private func lastCheckpointStep(_ store: RunStore) throws -> Int {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT MAX(step) FROM artifacts WHERE kind = 'checkpoint'") ?? 0 }
    }
}
