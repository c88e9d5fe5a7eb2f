import Foundation
import Testing
@testable import Tracking

/// The terminal views: `funaudio list` (a table of runs) and `funaudio show` (one run).
struct RunReportTests {
    @Test func listShowsTheParamsThatDifferAndTheCommonMetrics() throws {
        let dir = try TemporaryDirectory()
        let store = try ExampleDatabase.build(at: dir.databasePath)
        let lines = RunReport.table(try store.runs(RunFilter(experiment: "fusion-ablation"))).rendered()
            .split(separator: "\n").map(String.init)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true)
                == ["id", "experiment", "status", "started", "(UTC)", "duration", "model.fusion.kind", "train.loss", "val.loss"])
        #expect(lines.count == 2 + 4)
        #expect(lines[2].hasPrefix(" 4  fusion-ablation  failed"))  // numbers right-aligned
        #expect(lines[2].hasSuffix("NaN       NaN"))  // diverged: final values were NaN
        #expect(lines[4].contains("film") && lines[4].hasSuffix("0.320501  0.372551"))
    }

    @Test func showGivesStatusErrorSectionsAndLog() throws {
        let dir = try TemporaryDirectory()
        let store = try ExampleDatabase.build(at: dir.databasePath)
        let page = RunReport.page(try store.runDetail(4))
        #expect(page.hasPrefix("Run 4 of fusion-ablation: failed\n  error: train.loss became NaN at step 31\n"))
        for section in ["\nParams\n", "\nMetrics\n", "\nCells\n", "\nArtifacts: none\n", "\nLog (last 2 lines)\n", "\nConfig\n"] {
            #expect(page.contains(section), "missing \(section)")
        }
        #expect(page.contains("ERROR loss is NaN at step 31"))
        #expect(page.contains("  1  train    failed  no"))
    }

    @Test func durations() {
        #expect(RunReport.duration(0.42) == "0.4 s")
        #expect(RunReport.duration(42) == "42 s")
        #expect(RunReport.duration(185) == "3m 05s")
        #expect(RunReport.duration(7260) == "2h 01m")
        #expect(RunReport.duration(.nan) == "—")
    }
}
