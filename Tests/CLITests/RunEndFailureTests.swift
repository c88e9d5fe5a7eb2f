import Foundation
import GRDB
import Testing
import Tracking

/// runs.db refuses the very last write of a run (as a full disk would): the run's outcome
/// and the reason are printed, and the exit status says it failed.
@Suite struct RunEndFailureTests {
    @Test func anEndThatCannotBeRecordedIsReportedWithItsReason() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 2)])
        let store = try RunStore(path: folder.path("runs.db"))
        try store.pool.write {
            try $0.execute(sql: """
                CREATE TRIGGER refuse_end BEFORE UPDATE OF status ON runs WHEN NEW.status <> 'running'
                BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END
                """)
        }
        let result = try FunAudioProcess.run(["run", "tiny.yaml"], in: folder.url)
        #expect(result.status != 0)
        #expect(result.output.contains("run 1 finished, but runs.db could not record its end"), "\(result.output)")
        #expect(result.output.contains("database or disk is full"), "\(result.output)")
        #expect(!result.output.contains("Fatal error"), "\(result.output)")
        // Readers see the run crashed, and say it may not have been killed.
        let run = try #require(try store.runs().first)
        #expect(run.status == .crashed)
        #expect(run.error?.contains("could not be written") == true, "\(run.error ?? "")")
    }
}
