import Foundation
import GRDB
import Testing
import Tracking

/// The parent of `run --jobs` killed with SIGKILL: its running children finish on their own,
/// and `funaudio resume --sweep ID` resumes a killed child's run and runs the points that
/// never started.
@Suite struct KilledSweepTests {
    @Test func childrenOutliveAKilledParentAndResumeSweepRunsTheRest() throws {
        let folder = try TestFolder(["sweep.yaml": tinyExperiment(steps: 60, sweep: """
            sweep:
              grid:
                model.fusion.kind: [attention_pool, concat, film]
            """)])
        let parent = try FunAudioProcess(["run", "sweep.yaml", "--jobs", "2"], in: folder.url)
        let store = try waitForTwoCheckpointedRuns(folder.path("runs.db"), while: parent)
        kill(parent.pid, SIGKILL)

        // One child is killed too: resume takes its run up from its checkpoint.
        let runs = try store.runs().sorted { $0.id < $1.id }
        let children = try runs.map { try store.runDetail($0.id, logLimit: 0).pid }
        kill(Int32(children[0]), SIGKILL)

        // The other keeps writing progress to its log and ends its run itself.
        let deadline = Date().addingTimeInterval(300)
        while children.contains(where: isAlive), Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        // Only now: Foundation's `Process` was seen to report the parent's end only after the
        // children it left had ended too.
        _ = parent.finish()
        #expect(parent.process.terminationReason == .uncaughtSignal)
        #expect(try store.runDetail(runs[1].id, logLimit: 0).summary.status == .finished)
        let killedStatus = try store.runDetail(runs[0].id, logLimit: 0).summary.status
        #expect(killedStatus == .crashed, "killed: readers see a run whose process is gone as crashed, not \(killedStatus)")

        let sweepID = try #require(try store.runs().first?.sweepID)
        let resumed = try FunAudioProcess.run(["resume", "--sweep", sweepID], in: folder.url)
        #expect(resumed.status == 0, "\(resumed.output)")
        let after = try store.runs()
        #expect(after.count == 3, "the killed run resumed in place, the third started")
        #expect(after.allSatisfy { $0.status == .finished && $0.sweepID == sweepID })
        #expect(Set(after.map { "\($0.params["model.fusion.kind"]!)" }).count == 3)
    }

    /// Waits until two runs have a checkpoint: both children are training.
    private func waitForTwoCheckpointedRuns(_ path: String, while parent: FunAudioProcess) throws -> RunStore {
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline, parent.process.isRunning {
            if let store = try? RunStore(path: path, create: false),
               let training = try? store.pool.read({ db in
                   try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT run_id) FROM artifacts WHERE kind = 'checkpoint'")
               }), training == 2 {
                return store
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CancellationError()
    }
}

/// Whether `pid` still runs (a zombie nobody reaped has ended).
private func isAlive(_ pid: Int) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return !stat[close...].hasPrefix(") Z")
}
