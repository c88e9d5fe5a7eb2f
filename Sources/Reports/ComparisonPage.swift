import Foundation
import Tracking

/// The template context of a comparison page (`compare.mustache`).
struct ComparisonPageContext {
    struct RunColumn {
        let id: Int64
        let label: String
        let experiment: String
        let status: String
        let colour: Int
        let partial: Bool
        /// The run's own page, relative to this one.
        let href: String
    }

    struct ParamCell {
        let value: String
        let differs: Bool
    }

    /// One run's values of the differing params (runs are rows, as in the metrics table,
    /// so a sweep of many runs stays readable and sortable).
    struct ParamRow {
        let run: RunColumn
        let values: [ParamCell]
    }

    struct MetricColumn {
        let title: String
        let direction: String
    }

    struct MetricCell {
        let text: String
        /// Sort key: the number, or empty for a missing value.
        let sortValue: String
        let best: Bool
    }

    struct MetricRow {
        let run: RunColumn
        let cells: [MetricCell]
    }

    struct SentenceCell {
        let run: RunColumn
        let media: [MediaView]
        let empty: Bool
    }

    struct SentenceRow {
        let key: String
        let text: String?
        /// The ground truth, shown once (from the first run that has it).
        let reference: [MediaView]
        let cells: [SentenceCell]
    }

    let title: String
    let generated: String
    let runs: [RunColumn]
    let paramKeys: [String]
    let params: [ParamRow]
    let sameParams: Int
    let charts: [ChartView]
    let metricColumns: [MetricColumn]
    let metricRows: [MetricRow]
    let sentences: [SentenceRow]
    let missingNotes: [String]
}

extension ComparisonPageContext {
    init(title: String, runs: [RunData], media: inout MediaFolder, generated: Date,
         runHref: (Int64) -> String) {
        self.title = title
        self.generated = NumberText.time(generated)
        let columns = runs.enumerated().map { i, run in
            RunColumn(id: run.id, label: "#\(run.id)", experiment: run.experiment,
                      status: run.status, colour: i % paletteSize, partial: run.isPartial, href: runHref(run.id))
        }
        self.runs = columns

        // Params: only the keys whose value is not the same in every run.
        let maps = runs.map { Dictionary($0.params.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) }
        let keys = Set(maps.flatMap(\.keys)).sorted()
        let differing = keys.filter { key in Set(maps.map { $0[key] ?? "\u{0}absent" }).count > 1 }
        paramKeys = differing
        params = zip(columns, maps).map { run, values in
            ParamRow(run: run, values: differing.map { key in
                ParamCell(value: values[key] ?? "—", differs: values[key] != maps.first?[key])
            })
        }
        sameParams = keys.count - differing.count

        charts = comparisonCharts(runs)
        (metricColumns, metricRows) = metricTable(runs, columns: columns)

        // Sentences: each group key once, the runs side by side.
        var order: [String] = []
        var perRun: [[String: SentenceGroup]] = []
        for run in runs {
            let groups = sentenceGroups(run.artifacts).groups
            for g in groups where !order.contains(g.key) { order.append(g.key) }
            perRun.append(Dictionary(groups.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }))
        }
        var sentenceRows: [SentenceRow] = []
        for key in order {
            let text = perRun.lazy.compactMap { $0[key]?.text }.first
            func isTruth(_ a: MediaArtifact) -> Bool { MediaRole(name: a.name) == .groundTruth }
            var reference: [MediaView] = []
            if let first = perRun.indices.first(where: { perRun[$0][key]?.items.contains(where: isTruth) ?? false }) {
                reference = (perRun[first][key]?.items ?? []).filter(isTruth)
                    .map { media.add($0, prefix: "run\(columns[first].id)-") }
            }
            var cells: [SentenceCell] = []
            for (i, run) in columns.enumerated() {
                let items = (perRun[i][key]?.items ?? []).filter { !isTruth($0) }
                let views = items.map { media.add($0, prefix: "run\(run.id)-") }
                cells.append(SentenceCell(run: run, media: views, empty: views.isEmpty))
            }
            sentenceRows.append(SentenceRow(key: key, text: text, reference: reference, cells: cells))
        }
        sentences = sentenceRows

        var notes: [String] = []
        if runs.allSatisfy({ $0.metrics.isEmpty }) { notes.append("None of these runs recorded metrics.") }
        if sentenceRows.isEmpty { notes.append("None of these runs synthesised audio.") }
        let partial = runs.filter(\.isPartial)
        if !partial.isEmpty {
            notes.append("Partial: " + partial.map { "#\($0.id) (\($0.status))" }.joined(separator: ", ")
                         + " had not finished; their values are the latest recorded.")
        }
        for run in runs {
            let lost = run.artifacts.filter { $0.bytes == nil }.map(\.name)
            if !lost.isEmpty {
                notes.append("#\(run.id): bytes missing for " + lost.joined(separator: ", ") + ".")
            }
        }
        missingNotes = notes
    }
}

/// Curve colours in report.css (`.c0`…`.c19`); the 21st run reuses the first colour.
let paletteSize = 20

/// One chart per quantity, every run in its own colour; validation curves dashed.
func comparisonCharts(_ runs: [RunData]) -> [ChartView] {
    var order: [String] = []
    var hasValidation: Set<String> = []
    for run in runs {
        for m in run.metrics where m.isCurve {
            if !order.contains(m.metric.name) { order.append(m.metric.name) }
            if !m.isTraining { hasValidation.insert(m.metric.name) }
        }
    }
    return order.enumerated().map { n, quantity in
        var series: [ChartSeriesInput] = []
        var legend: [LegendEntry] = []
        for (i, run) in runs.enumerated() {
            let members = run.metrics.filter { $0.isCurve && $0.metric.name == quantity }
            for m in members {
                series.append(ChartSeriesInput(label: "#\(run.id) \(m.key)", colour: i % paletteSize,
                                               dashed: !m.isTraining, steps: m.steps, values: m.values))
            }
            if !members.isEmpty {
                legend.append(LegendEntry(label: "#\(run.id) \(run.experiment)", colour: i % paletteSize, dashed: false))
            }
        }
        if hasValidation.contains(quantity) {
            legend.append(LegendEntry(label: "validation (dashed)", colour: -1, dashed: true))
        }
        return ChartView(id: "chart-\(n)", input: ChartInput(title: quantity, series: series, legend: legend))
    }
}

/// Final and best value of every metric key per run, as runs.db computed them; in each
/// column of a metric with a goal, the run that does best is marked. A metric without a goal
/// (learning rate, gradient norm) has its final values only.
func metricTable(_ runs: [RunData], columns: [ComparisonPageContext.RunColumn])
    -> ([ComparisonPageContext.MetricColumn], [ComparisonPageContext.MetricRow]) {
    var metrics: [Metric] = []
    for run in runs { for m in run.metrics where !metrics.contains(where: { $0.key == m.key }) { metrics.append(m.metric) } }
    let series = runs.map { run in Dictionary(run.metrics.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }) }
    var headers: [ComparisonPageContext.MetricColumn] = []
    var table: [[ComparisonPageContext.MetricCell]] = Array(repeating: [], count: runs.count)
    for metric in metrics {
        let direction = switch metric.goal {
        case .minimize: "↓ lower is better"
        case .maximize: "↑ higher is better"
        case .none: ""
        }
        var picks: [(String, (MetricSeries) -> StepValue?)] = [("final", \.final)]
        if metric.goal != .none { picks.append(("best", \.best)) }
        for (kind, pick) in picks {
            headers.append(.init(title: "\(metric.key) \(kind)", direction: direction))
            let values = series.map { $0[metric.key].flatMap(pick)?.value }
            let finite = values.compactMap { $0 }
            let target = metric.goal == .maximize ? finite.max() : metric.goal == .minimize ? finite.min() : nil
            for (r, v) in values.enumerated() {
                table[r].append(.init(text: v.map(NumberText.display) ?? "—",
                                      sortValue: v.map(NumberText.exact) ?? "",
                                      best: v != nil && v == target && finite.count > 1))
            }
        }
    }
    return (headers, zip(columns, table).map { .init(run: $0, cells: $1) })
}
