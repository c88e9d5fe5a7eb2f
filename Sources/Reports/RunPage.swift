import Foundation

/// The template context of a run page (`run.mustache`).
struct RunPageContext {
    struct Header {
        let id: Int64
        let experiment: String
        let descriptionHTML: String?
        let status: String
        let started: String
        let ended: String?
        let duration: String?
        let error: String?
        let file: String?
        let seed: String?
        let sweep: String?
        let tags: String?
    }

    struct MetricRow {
        let key: String
        let points: Int
        let final: String
        let finalExact: String
        let best: String
        let bestExact: String
    }

    /// One synthesised sentence: a column per role (prediction, ground truth, attention),
    /// each with its spectrograms above its audio.
    struct SentenceView {
        struct Column {
            let label: String
            let media: [MediaView]
        }

        let key: String
        let text: String?
        let columns: [Column]
    }

    struct CellView {
        let title: String
        let anchor: String
        let kind: String
        let status: String
        let reused: Bool
        let duration: String?
        let outputHTML: String?
        let charts: [ChartView]
        let metrics: [MetricRow]
        let sentences: [SentenceView]
        let media: [MediaView]
        let empty: Bool
    }

    struct LogLineView {
        let time: String
        let level: String
        let message: String
    }

    let title: String
    let generated: String
    /// While the run is running: seconds after which an open page reloads itself (it is
    /// rewritten at every validation); the final page does not reload.
    let refreshSeconds: Int?
    let run: Header
    let partial: String?
    let missingNotes: [String]
    let environment: [KeyValue]
    let params: [KeyValue]
    let config: String?
    let cells: [CellView]
    let log: [LogLineView]
    let logNote: String?
}

/// Lines of the log a page shows (the last ones); the page says how many it left out.
let maxLogLines = 5000

extension RunPageContext {
    /// Lays out `run`: cells in order, each with the metrics and files it produced; what no
    /// cell claims goes into a last "Other outputs" section.
    init(run: RunData, media: inout MediaFolder, generated: Date) {
        title = "Run \(run.id) · \(run.experiment)"
        self.generated = NumberText.time(generated)
        refreshSeconds = run.status == "running" ? 30 : nil
        let ended = run.endedAt.map { NumberText.time($0) }
        let duration = run.endedAt.map { NumberText.duration($0.timeIntervalSince(run.startedAt)) }
        self.run = Header(
            id: run.id, experiment: run.experiment,
            descriptionHTML: run.description.map(Markdown.html),
            status: run.status, started: NumberText.time(run.startedAt), ended: ended,
            duration: duration, error: run.error, file: run.file,
            seed: run.seed.map(String.init), sweep: run.sweep,
            tags: run.tags.isEmpty ? nil : run.tags.joined(separator: ", "))
        partial = run.isPartial ? partialNote(status: run.status) : nil
        missingNotes = Reports.missingNotes(run)
        environment = run.environment
        params = run.params
        config = run.config.isEmpty ? nil : run.config

        let cellIndices = Set(run.cells.map(\.index))
        var views: [CellView] = []
        for cell in run.cells {
            views.append(CellView(
                cell: cell,
                metrics: run.metrics.filter { $0.cellIndex == cell.index },
                artifacts: run.artifacts.filter { $0.cellIndex == cell.index },
                media: &media))
        }
        let looseMetrics = run.metrics.filter { $0.cellIndex.map { !cellIndices.contains($0) } ?? true }
        let looseArtifacts = run.artifacts.filter { $0.cellIndex.map { !cellIndices.contains($0) } ?? true }
        if !looseMetrics.isEmpty || !looseArtifacts.isEmpty {
            let other = CellData(index: -1, kind: "outputs", status: run.status)
            views.append(CellView(cell: other, metrics: looseMetrics, artifacts: looseArtifacts,
                                  media: &media, title: run.cells.isEmpty ? "Outputs" : "Other outputs"))
        }
        cells = views

        let shown = run.log.suffix(maxLogLines)
        log = shown.map {
            LogLineView(time: NumberText.time($0.time), level: $0.level, message: $0.message)
        }
        logNote = run.log.count > shown.count
            ? "The first \(run.log.count - shown.count) of \(run.log.count) lines are not shown."
            : nil
    }
}

extension RunPageContext.CellView {
    init(cell: CellData, metrics: [MetricSeries], artifacts: [MediaArtifact],
         media: inout MediaFolder, title: String? = nil) {
        self.title = title ?? "[\(cell.index)] \(cell.kind)"
        anchor = cell.index >= 0 ? "cell-\(cell.index)" : "outputs"
        kind = cell.kind
        status = cell.status
        reused = cell.reused
        if let start = cell.startedAt, let end = cell.endedAt {
            duration = NumberText.duration(end.timeIntervalSince(start))
        } else {
            duration = nil
        }
        outputHTML = cell.output.map(Markdown.html)
        charts = runCharts(metrics, idPrefix: anchor)
        self.metrics = metrics.map {
            .init(key: $0.key, points: $0.values.count,
                  final: $0.final.map { "\(NumberText.display($0.value)) @ \($0.step)" } ?? "—",
                  finalExact: $0.final.map { NumberText.exact($0.value) } ?? "",
                  best: $0.best.map { "\(NumberText.display($0.value)) @ \($0.step)" } ?? "—",
                  bestExact: $0.best.map { NumberText.exact($0.value) } ?? "")
        }
        let (groups, loose) = sentenceGroups(artifacts)
        sentences = groups.map { group in
            let roles = Dictionary(grouping: group.items) { MediaRole(name: $0.name) }
            let columns = roles.keys.sorted().map { role in
                RunPageContext.SentenceView.Column(label: role.label, media: (roles[role] ?? []).map { media.add($0) })
            }
            return .init(key: group.key, text: group.text, columns: columns)
        }
        self.media = loose.map { media.add($0) }
        empty = outputHTML == nil && charts.isEmpty && sentences.isEmpty && self.media.isEmpty
    }
}

/// One chart per quantity (`mel_l1` for `train.mel_l1` and `val.mel_l1`), training first. A
/// metric with a single point (a final evaluation) draws no line: the metrics table shows it.
func runCharts(_ metrics: [MetricSeries], idPrefix: String) -> [ChartView] {
    var order: [String] = []
    var byQuantity: [String: [MetricSeries]] = [:]
    for m in metrics where m.isCurve {
        let q = m.metric.name
        if byQuantity[q] == nil { order.append(q) }
        byQuantity[q, default: []].append(m)
    }
    return order.enumerated().map { n, quantity in
        let members = (byQuantity[quantity] ?? []).sorted { ($0.isTraining ? 0 : 1, $0.key) < ($1.isTraining ? 0 : 1, $1.key) }
        let series = members.enumerated().map { i, m in
            ChartSeriesInput(label: m.key, colour: i, dashed: !m.isTraining, steps: m.steps, values: m.values)
        }
        return ChartView(id: "\(idPrefix)-chart-\(n)",
                         input: ChartInput(title: quantity, series: series, legend: nil))
    }
}

func partialNote(status: String) -> String {
    switch status {
    case "running": "This run is still running: the page shows what was recorded so far."
    case "crashed": "This run crashed: the page shows what was recorded before it stopped."
    case "interrupted": "This run was interrupted: the page shows what was recorded before it stopped."
    default: "This run has status “\(status)”: the page may be incomplete."
    }
}

/// What a reader would look for and not find.
func missingNotes(_ run: RunData) -> [String] {
    var notes: [String] = []
    if run.cells.isEmpty { notes.append("No cells were recorded.") }
    if run.metrics.isEmpty { notes.append("No metrics were recorded.") }
    if !run.artifacts.contains(where: \.isAudio) { notes.append("No audio was recorded.") }
    let lost = run.artifacts.filter { $0.bytes == nil }.map(\.name)
    if !lost.isEmpty {
        notes.append("The bytes of \(lost.count) artifact(s) are missing from the database: "
                     + lost.joined(separator: ", ") + ".")
    }
    if run.log.isEmpty { notes.append("No log lines were recorded.") }
    return notes
}
