import Foundation
import Testing
@testable import Reports

@Suite struct RunPageTests {
    let writer = try! ReportWriter()

    @Test func showsCellsInOrderWithTheirOutputs() throws {
        let page = writer.renderRun(SampleRuns.run())
        let html = page.html
        let order = ["id=\"cell-0\"", "<h2>Plan</h2>", "id=\"cell-1\"", "12 utterances",
                     "id=\"cell-2\"", "<svg", "id=\"cell-3\"", "Sentence number 0", "<audio"]
        let positions = try order.map { try #require(html.range(of: $0), "missing \($0)").lowerBound }
        #expect(positions == positions.sorted())
        #expect(html.contains("<strong>FiLM</strong>"))
        #expect(html.contains("badge\">reused"))
        #expect(html.contains("took 12 min 34 s"))
    }

    @Test func trainAndValidationShareOneChart() {
        let html = writer.renderRun(SampleRuns.run()).html
        #expect(html.components(separatedBy: "<figure class=\"chart\"").count - 1 == 1)
        #expect(html.contains("class=\"line c0\""))
        #expect(html.contains("class=\"line c1 dashed\""))
        #expect(html.contains("data-values=\""))
        #expect(html.contains("class=\"log-toggle\">"))
    }

    @Test func mediaAreCopiedAndLinkedRelatively() throws {
        let page = writer.renderRun(SampleRuns.run())
        #expect(page.files.count == 9)    // 2 sentences × 4 files + the attention map
        #expect(page.files.allSatisfy { $0.path.hasPrefix("media/") && !$0.path.contains("..") })
        #expect(Set(page.files.map(\.path)).count == page.files.count)
        for file in page.files {
            #expect(page.html.contains("src=\"\(file.path)\""))
        }
        #expect(page.html.contains("http://") == false && page.html.contains("https://") == false)

        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try writer.write(page, to: folder)
        for name in ["index.html", "report.css", "report.js"] + page.files.map(\.path) {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path))
        }
    }

    @Test func longCurvesAreDownsampledWithExactValues() throws {
        var run = SampleRuns.run(steps: 50_000, withMedia: false)
        run.metrics[0].values[12_345] = 9.0    // a spike the downsampling must keep
        let html = writer.renderRun(run).html
        let values = try #require(html.firstMatch(of: /data-values="([^"]*)"/)).1
        let count = values.split(separator: " ").count
        #expect(count <= 2000 && count > 1000)
        #expect(values.split(separator: " ").contains("9.0"))
        #expect(html.contains("Drawn with 2000 of 50000 points per curve"))
    }

    @Test func missingPiecesAreNamedNotBroken() {
        var run = SampleRuns.run(status: "running", withMedia: false)
        run.metrics = []
        run.log = []
        run.artifacts = [MediaArtifact(name: "synth/00/predicted.wav", kind: "audio",
                                       mediaType: "audio/wav", cellIndex: 3, bytes: nil)]
        let html = writer.renderRun(run).html
        #expect(html.contains("This run is still running"))
        #expect(html.contains("No metrics were recorded."))
        #expect(html.contains("bytes of 1 artifact(s) are missing"))
        #expect(html.contains("synth/00/predicted.wav: bytes missing"))
        #expect(html.contains("No log lines were recorded."))
        #expect(html.contains("<audio") == false)
    }

    @Test func emptyRunStillRenders() {
        let run = RunData(id: 9, experiment: "empty", status: "crashed", startedAt: SampleRuns.start)
        let html = writer.renderRun(run).html
        #expect(html.contains("This run crashed"))
        #expect(html.contains("No cells were recorded."))
        #expect(html.contains("No audio was recorded."))
        #expect(html.contains("No configuration was recorded."))
    }

    @Test func nonFiniteValuesAreSkippedAndDisableLogScale() {
        var run = SampleRuns.run(withMedia: false)
        run.metrics = [MetricSeries.sample("grad_norm", steps: [0, 1, 2, 3], values: [1, .nan, 0, -2], cellIndex: 2)]
        let html = writer.renderRun(run).html
        #expect(html.contains("1 NaN or infinite values are not drawn."))
        #expect(html.contains("class=\"log-toggle\" disabled"))
        #expect(html.contains("data-values=\"1.0 0.0 -2.0\""))
    }

    @Test func aSinglePointMetricGoesToTheTableNotToAChart() {
        var run = SampleRuns.run(withMedia: false)
        let loss = MetricSeries.sample("train.loss", goal: .minimize, steps: [1, 2], values: [3, 2], cellIndex: 2)
        run.metrics = [loss]
        let charts = writer.renderRun(run).html.components(separatedBy: "<svg").count
        run.metrics = [MetricSeries.sample("eval.mcd", goal: .minimize, steps: [600], values: [25.2], cellIndex: 2), loss]
        let html = writer.renderRun(run).html
        #expect(html.contains("eval.mcd"))
        #expect(html.components(separatedBy: "<svg").count == charts, "eval.mcd must not add a chart")
    }
}
