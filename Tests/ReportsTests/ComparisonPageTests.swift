import Foundation
import Testing
@testable import Reports

@Suite struct ComparisonPageTests {
    let writer = try! ReportWriter()
    let runs = [SampleRuns.run(id: 1, fusion: "film", lossScale: 1.0),
                SampleRuns.run(id: 2, experiment: "fusion-concat", fusion: "concat", lossScale: 0.8),
                SampleRuns.run(id: 3, fusion: "film", lossScale: 1.2)]

    @Test func paramsTableShowsOnlyKeysThatDiffer() throws {
        let html = writer.renderComparison(runs, title: "fusion").html
        let table = try #require(html.firstMatch(of: /<table class="diff sortable">(?s:.*?)<\/table>/)).0
        #expect(table.contains("model.fusion.kind"))
        #expect(table.contains("train.lr") == false)
        #expect(table.components(separatedBy: "class=\"differs\"").count - 1 == 1)   // run 2 only
        #expect(html.contains("2 parameter(s) with the same value in every run are not shown"))
    }

    @Test func curvesOverlayOneColourPerRunWithALegend() {
        let html = writer.renderComparison(runs, title: "fusion").html
        for colour in 0..<3 {
            #expect(html.contains("class=\"line c\(colour)\""))
            #expect(html.contains("class=\"line c\(colour) dashed\""))
        }
        #expect(html.contains("#2 fusion-concat"))
        #expect(html.contains("validation (dashed)"))
    }

    @Test func bestValuePerColumnIsMarked() throws {
        let html = writer.renderComparison(runs, title: "fusion").html
        let table = try #require(html.firstMatch(of: /<table class="metrics sortable">(?s:.*?)<\/table>/)).0
        let rows = table.matches(of: /<tr><td data-sort="(\d+)">(?s:.*?)<\/tr>/).map { String($0.0) }
        #expect(rows.count == 3)
        // Run 2 has the lowest losses: every one of its four cells is the best, no other is.
        #expect(rows[1].components(separatedBy: "best\"").count - 1 == 4)
        #expect(rows[0].contains("best\"") == false && rows[2].contains("best\"") == false)
    }

    /// "Best" is what the metric's goal says, as runs.db declared it: a throughput's best is
    /// its maximum, a learning rate (no goal) has final values only.
    @Test func bestFollowsTheMetricsGoal() throws {
        let throughputs = [30.0, 45.0, 40.0], lrs = [1e-3, 5e-4, 2e-3]
        let compared = runs.enumerated().map { i, run in
            var run = run
            run.metrics = [
                .sample("train.utterances_per_s", goal: .maximize, steps: [1, 2], values: [throughputs[i] - 5, throughputs[i]]),
                .sample("train.lr", steps: [1, 2], values: [lrs[i], lrs[i]]),
            ]
            return run
        }
        let html = writer.renderComparison(compared, title: "speed").html
        let table = try #require(html.firstMatch(of: /<table class="metrics sortable">(?s:.*?)<\/table>/)).0
        #expect(table.contains("train.utterances_per_s best") && table.contains("↑ higher is better"))
        #expect(table.contains("train.lr final") && !table.contains("train.lr best"))
        let rows = table.matches(of: /<tr><td data-sort="(\d+)">(?s:.*?)<\/tr>/).map { String($0.0) }
        // Run 2 (45 utterances/s) is best in both throughput columns; no lr cell is marked.
        #expect(rows[1].components(separatedBy: "best\"").count - 1 == 2)
        #expect(!rows[0].contains("best\"") && !rows[2].contains("best\""))
    }

    @Test func sentencesSideBySide() throws {
        let page = writer.renderComparison(runs, title: "fusion")
        let html = page.html
        #expect(html.components(separatedBy: "<div class=\"sentence\">").count - 1 == 2)
        // Per sentence: the ground truth once, then each run's prediction.
        #expect(html.components(separatedBy: "<audio").count - 1 == 2 * (1 + 3))
        #expect(html.components(separatedBy: "<h3>Ground truth</h3>").count - 1 == 2)
        #expect(page.files.contains { $0.path.hasPrefix("media/run2-synth-01") })
    }

    @Test func runsWithoutAudioOrMetricsAreNamed() {
        var quiet = SampleRuns.run(id: 4, status: "running", withMedia: false)
        quiet.metrics = []
        let html = writer.renderComparison([quiet, runs[0]], title: "mixed").html
        #expect(html.contains("Partial: #4 (running)"))
        #expect(html.contains("Not synthesised in this run."))
    }
}

@Suite struct LargeComparisonTests {
    @Test func twentyLongRunsStaySmall() throws {
        let runs = (1...20).map { SampleRuns.run(id: Int64($0), lossScale: 1 + Double($0) / 20, steps: 20_000, withMedia: false) }
        let page = try ReportWriter().renderComparison(runs, title: "big")
        // 40 curves in one chart: 24,000 / 40 = 600 points each, whatever the run length.
        let lists = page.html.matches(of: /data-values="([^"]*)"/).map { $0.1.split(separator: " ").count }
        #expect(lists.count == 40)
        #expect(lists.allSatisfy { $0 <= 600 })
        #expect(page.pageBytes < 1_000_000)
        #expect(page.html.contains("#20 fusion-film"))
        #expect(page.html.contains("class=\"line c19 dashed\""))
    }

    /// The issue's size: 100 runs (read from runs.db as each bucket's extremes, ~1,000 points
    /// a curve) in one chart, 200 curves: 200 points each and the page under 2 MB.
    @Test func aHundredRunsStayUnderTwoMegabytes() throws {
        let runs = (1...100).map { SampleRuns.run(id: Int64($0), lossScale: 1 + Double($0) / 100, steps: 1_024, withMedia: false) }
        let page = try ReportWriter().renderComparison(runs, title: "hundred")
        let lists = page.html.matches(of: /data-values="([^"]*)"/).map { $0.1.split(separator: " ").count }
        #expect(lists.count == 200 && lists.allSatisfy { $0 <= 200 })
        #expect(page.pageBytes < 2 << 20, "\(page.pageBytes) bytes")
    }

    @Test func coloursWrapAfterTheTwentiethRun() throws {
        let runs = (1...22).map { SampleRuns.run(id: Int64($0), steps: 20, withMedia: false) }
        let html = try ReportWriter().renderComparison(runs, title: "many").html
        #expect(html.contains("c20") == false && html.contains("bg20") == false)
        #expect(html.contains("<span class=\"swatch bg1\"></span><a href=\"../22/index.html\">#22</a>"))
    }
}
