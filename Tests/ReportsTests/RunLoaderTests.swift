import Foundation
import GRDB
import Testing
import Tracking
@testable import Reports

/// Fills a temporary runs.db through the Tracking API, loads it back and renders it.
@Suite struct RunLoaderTests {
    /// A run like the runner records one: cells in order, losses during training, audio and
    /// spectrograms while synthesising, log lines.
    static func record(into store: RunStore, experiment: String = "quickstart", fusion: String = "film",
                       scale: Double = 1, finish: Bool = true) throws -> Int64 {
        let run = try store.startRun(RunDescription(
            experiment: experiment, experimentDescription: "Quick **start**.", file: "experiments/\(experiment).yaml",
            config: "model:\n  fusion: \(fusion)\n", seed: 3,
            params: ["model.fusion.kind": .string(fusion), "train.lr": .float(0.001)],
            environment: RunEnvironment(funaudioVersion: "0.1.0", gitCommit: "abc123", host: "lab",
                                        cpu: "test CPU", threads: 2, libraryVersions: ["sqlite": "3"])))
        try run.startCell(0, kind: "markdown")
        try run.finishCell(0, output: "# Notes\nFirst try.")
        try run.startCell(1, kind: "train")
        for step in 0..<300 {
            run.record(Metric("train.loss", goal: .minimize), step: step, value: scale * exp(-Double(step) / 100), cell: 1)
            if step % 50 == 0 { run.record(Metric("val.loss", goal: .minimize), step: step, value: scale * 1.2 * exp(-Double(step) / 100), cell: 1) }
        }
        run.log("trained 300 steps")
        try run.flush()
        try run.finishCell(1)
        try run.startCell(2, kind: "synthesize")
        try run.putArtifact(name: "synth/00/text.txt", kind: "text", mediaType: "text/plain",
                            data: Data("Hello there.".utf8), cell: 2)
        try run.putArtifact(name: "synth/00/predicted.png", kind: "image", mediaType: "image/png",
                            data: SampleRuns.fixture("spectrogram.png"), cell: 2)
        try run.putArtifact(name: "synth/00/predicted.wav", kind: "audio", mediaType: "audio/wav",
                            data: SampleRuns.fixture("tone.wav"), cell: 2)
        try run.finishCell(2)
        if finish { try run.finish() } else { try run.flush() }
        return run.id
    }

    static func withStore(_ body: (RunStore, URL) throws -> Void) throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(try RunStore(path: folder.appendingPathComponent("runs.db").path), folder)
    }

    @Test func loadsEverythingAPageShows() throws {
        try Self.withStore { store, _ in
            let id = try Self.record(into: store)
            let run = try RunLoader(store: store).run(id)
            #expect(run.experiment == "quickstart")
            #expect(run.description == "Quick **start**.")
            #expect(run.status == "finished")
            #expect(run.cells.map(\.kind) == ["markdown", "train", "synthesize"])
            #expect(run.params.map(\.key) == ["model.fusion.kind", "train.lr"])
            #expect(run.environment.contains(KeyValue("git commit", "abc123")))
            let train = try #require(run.metrics.first { $0.key == "train.loss" })
            #expect(train.steps.count == 300 && train.values[0] == 1)
            #expect(train.cellIndex == 1)    // recorded by the train cell
            #expect(run.artifacts.count == 3 && run.artifacts.allSatisfy { $0.bytes != nil && $0.cellIndex == 2 })
            #expect(run.log.map(\.message) == ["trained 300 steps"])

            let html = try ReportWriter().renderRun(run).html
            let trainCell = try #require(html.range(of: "id=\"cell-1\""))
            let chart = try #require(html.range(of: "<figure class=\"chart\""))
            #expect(trainCell.lowerBound < chart.lowerBound)
            #expect(html.contains("“Hello there.”"))
        }
    }

    @Test func publishesRunComparisonAndIndex() throws {
        try Self.withStore { store, folder in
            let a = try Self.record(into: store, fusion: "film")
            let b = try Self.record(into: store, fusion: "concat", scale: 0.5)
            let reports = folder.appendingPathComponent("reports")
            let publisher = try ReportPublisher(store: store, reports: reports)
            let page = try publisher.publishRun(a)
            #expect(page.path == reports.appendingPathComponent("\(a)/index.html").path)
            let before = try String(contentsOf: reports.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(before.contains("#\(b) quickstart <span class=\"muted\">(no page yet)"))
            let ids = try publisher.loader.runIDs(query: "SELECT run_id FROM params WHERE key = 'model.fusion.kind' ORDER BY run_id")
            #expect(ids == [a, b])
            let comparison = try publisher.publishComparison(ids)
            #expect(comparison.deletingLastPathComponent().lastPathComponent == "compare-\(a)-\(b)")
            let compareHTML = try String(contentsOf: comparison, encoding: .utf8)
            #expect(compareHTML.contains("<td class=\"differs\">concat</td>"))
            #expect(compareHTML.contains("href=\"../\(a)/index.html\""))

            let index = try String(contentsOf: reports.appendingPathComponent("index.html"), encoding: .utf8)
            #expect(index.contains("href=\"\(a)/index.html\""))
            #expect(index.contains("href=\"\(b)/index.html\""))   // written with the comparison
            #expect(index.contains("href=\"compare-\(a)-\(b)/index.html\""))
            #expect(index.contains("val.loss"))
        }
    }

    @Test func runningRunIsPartialAndDamagedBytesAreNamed() throws {
        try Self.withStore { store, _ in
            let id = try Self.record(into: store, finish: false)
            try store.pool.write { db in
                try db.execute(sql: "UPDATE blobs SET data = x'00' WHERE size > 1000 AND storage = 'inline'")
            }
            let run = try RunLoader(store: store).run(id)
            #expect(run.isPartial)
            let html = try ReportWriter().renderRun(run).html
            #expect(html.contains("This run is still running"))
            #expect(html.contains("synth/00/predicted.wav: bytes missing"))
            #expect(html.contains("last heartbeat"))
        }
    }

    @Test func unknownRunAndBadQueryGiveClearErrors() throws {
        try Self.withStore { store, _ in
            let loader = RunLoader(store: store)
            #expect(throws: ReportError.runNotFound(id: 42, database: store.path)) { try loader.run(42) }
            #expect(throws: ReportError.self) { try loader.runIDs(query: "SELECT 'x'") }
            #expect(throws: ReportError.self) { try loader.runIDs(query: "DELETE FROM runs") }
            #expect(ReportError.runNotFound(id: 42, database: "r.db").description.contains("funaudio list"))
        }
    }
}
