import Foundation
import GRDB
import Testing
@testable import Tracking

/// Reading runs back: `funaudio list` and `funaudio show` are built on these.
struct QueriesTests {
    @Test func runsAreFilteredAndNewestFirst() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let a = try store.startRun(sampleRun("ablation"))
        try a.finish()
        let b = try store.startRun(sampleRun("ablation"))
        try b.fail("boom")
        let c = try store.startRun(sampleRun("quickstart"))
        try c.finish()
        #expect(try store.runs().map(\.id) == [c.id, b.id, a.id])
        #expect(try store.runs(RunFilter(status: .finished)).map(\.id) == [c.id, a.id])
        #expect(try store.runs(RunFilter(experiment: "ablation")).map(\.id) == [b.id, a.id])
        #expect(try store.runs(RunFilter(status: .finished, experiment: "ablation", limit: 1)).map(\.id) == [a.id])
        #expect(try store.runs(RunFilter(limit: 2)).map(\.id) == [c.id, b.id])
    }

    @Test func runsAreNamedByIdOrByExperiment() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let a = try store.startRun(sampleRun("ablation"))
        let b = try store.startRun(sampleRun("ablation"))
        #expect(try store.resolveRun(String(a.id)) == a.id)
        #expect(try store.resolveRun("ablation") == b.id)
        #expect(throws: TrackingError.noSuchRun("99")) { try store.resolveRun("99") }
        #expect(throws: TrackingError.noSuchRun("nope")) { try store.resolveRun("nope") }
        try a.finish()
        try b.finish()
    }

    @Test func detailHoldsMetricsArtifactsAndLogs() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        for step in 0..<5 { run.record(Metric("train.loss", goal: .minimize), step: step, value: Double(5 - step), cell: 1) }
        run.log("done")
        try run.putArtifact(name: "notes.md", kind: "text", mediaType: "text/markdown", data: Data("# hi".utf8))
        try run.finish()
        let detail = try store.runDetail(run.id)
        #expect(detail.metrics == [MetricSummary(key: "train.loss", split: "train", goal: .minimize, points: 5,
                                                 lastStep: 4, lastValue: 1, minValue: 1, maxValue: 5,
                                                 bestValue: 1, bestStep: 4, cell: 1)])
        #expect(detail.artifacts.map(\.name) == ["notes.md"])
        #expect(detail.logLines.map(\.message) == ["done"])
        #expect(detail.summary.finalMetrics == ["train.loss": 1])
    }

    /// The overview view answers "which fusion kind reached the lowest loss?" in one query.
    @Test func overviewComparesRunsByParam() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        for (kind, loss) in [("concat", 0.4), ("film", 0.3), ("cross-attention", 0.35)] {
            let run = try store.startRun(sampleRun("fusion", params: ["model.fusion.kind": .string(kind)]))
            run.record("val.loss", step: 100, value: loss)
            try run.finish()
        }
        let best = try store.execute(sql: """
            SELECT json_extract(params, '$."model.fusion.kind"') AS fusion
            FROM run_overview WHERE experiment = 'fusion'
            ORDER BY json_extract(final_metrics, '$."val.loss"') LIMIT 1
            """)[0].rows
        #expect(best == [[.text("film")]])
    }
}
