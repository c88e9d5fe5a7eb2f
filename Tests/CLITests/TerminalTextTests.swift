import Foundation
import Testing
@testable import Tracking
import Reports
@testable import funaudio

/// What the terminal shows: `funaudio list` (a table of runs), `funaudio show` (one run) and
/// `funaudio sql`'s table.
@Suite struct TerminalTextTests {
    /// Three runs of a fusion sweep, the last diverged, plus one of another experiment.
    private func store(in folder: TestFolder) throws -> RunStore {
        let store = try RunStore(path: folder.path("runs.db"))
        let loss = Metric("train.loss", goal: .minimize), throughput = Metric("train.utterances_per_s", goal: .maximize, unit: "utterances/s")
        for (i, kind) in ["concat", "film", "gated"].enumerated() {
            let run = try store.startRun(RunDescription(
                experiment: "ablation", config: "{}", seed: 1,
                params: ["model.fusion.kind": .string(kind), "train.lr": .float(0.001)], sweepID: "s1"))
            try run.startCell(0, kind: "train")
            for step in 0..<10 {
                run.record(loss, step: step, value: i == 2 && step > 5 ? .nan : 2 - Double(step) * 0.1 * Double(i + 1), cell: 0)
                run.record(throughput, step: step, value: 30 + Double(step), cell: 0)
            }
            try run.finishCell(0, output: "trained")
            if i == 2 {
                run.log("loss is NaN at step 6", level: .error)
                try run.fail("train.loss became NaN at step 6")
            } else {
                try run.finish()
            }
        }
        let other = try store.startRun(RunDescription(experiment: "quickstart", config: "{}"))
        try other.finish()
        return store
    }

    @Test func listShowsTheParamsThatDifferAndTheCommonMetrics() throws {
        let folder = try TestFolder([:])
        let store = try store(in: folder)
        let lines = RunText.table(try store.runs(RunFilter(experiment: "ablation"))).rendered()
            .split(separator: "\n").map(String.init)
        #expect(lines[0].split(separator: " ") == ["id", "experiment", "status", "started", "(UTC)", "duration",
                                                    "model.fusion.kind", "train.loss", "train.utterances_per_s"])
        #expect(lines.count == 2 + 3)
        #expect(lines[2].hasPrefix(" 3  ablation"))  // numbers right-aligned
        #expect(lines[2].split(separator: " ").dropFirst(2).first == "failed")
        #expect(lines[2].contains("NaN"))  // diverged: the final loss was NaN
        #expect(lines[3].contains("film") && lines[3].contains("0.2"))
    }

    @Test func showGivesStatusMetricsWithTheirGoalsAndBestAndTheLog() throws {
        let folder = try TestFolder([:])
        let page = RunText.page(try store(in: folder).runDetail(2))
        #expect(page.hasPrefix("Run 2 of ablation: finished\n"))
        for section in ["\nParams\n", "\nMetrics\n", "\nCells\n", "\nArtifacts: none\n", "\nConfig\n"] {
            #expect(page.contains(section), "missing \(section)")
        }
        let throughput = try #require(page.split(separator: "\n").first { $0.contains("train.utterances_per_s") })
        #expect(throughput.split(separator: " ") == ["train.utterances_per_s", "maximize", "10", "9", "39", "39", "9", "utterances/s"])
        let loss = try #require(page.split(separator: "\n").first { $0.contains("train.loss") })
        #expect(loss.contains("minimize") && loss.contains("0.2"))
        let failed = RunText.page(try store(in: folder).runDetail(3))
        #expect(failed.contains("error: train.loss became NaN at step 6") && failed.contains("ERROR loss is NaN at step 6"))
    }

    @Test func durations() {
        let crashedAtOnce = RunSummary(id: 1, experiment: "x", status: .crashed, startedAt: Date(), duration: 0,
                                       params: [:], finalMetrics: [:])
        #expect(RunText.duration(of: crashedAtOnce) == "<10 s")
        var finished = crashedAtOnce
        (finished.status, finished.duration) = (.finished, 185)
        #expect(RunText.duration(of: finished) == NumberText.duration(185))
    }

    @Test func sqlTables() throws {
        let folder = try TestFolder([:])
        let store = try store(in: folder)
        let result = try store.execute(sql: """
            SELECT key, value, NULL AS empty FROM params WHERE run_id = 1 AND key = 'model.fusion.kind'
            UNION ALL SELECT 'x', 1.5, NULL
            """)[0]
        #expect(result.formatted(as: .table) == """
            key                value   empty
            -----------------  ------  -----
            model.fusion.kind  concat
            x                     1.5
            
            """)
        let write = try store.execute(sql: "INSERT INTO tags (run_id, tag) VALUES (1, 'best')", allowWrites: true)
        #expect(write[0].formatted(as: .table) == "1 row changed\n")
    }
}
