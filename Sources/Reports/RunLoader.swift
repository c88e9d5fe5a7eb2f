import Foundation
import Tracking

/// Builds report data from runs.db through the Tracking API.
///
/// Reads what a page needs and no more: metric points in full (they are downsampled when
/// drawn), artifacts with their bytes (nil, and named on the page, when a blob is missing or
/// damaged), the last ``maxLogLines`` log lines.
public struct RunLoader {
    public let store: RunStore

    public init(store: RunStore) {
        self.store = store
    }

    /// Run `id`, or ``ReportError/runNotFound(id:database:)``.
    public func run(_ id: Int64) throws -> RunData {
        let detail: RunDetail
        do {
            detail = try store.runDetail(id, logLimit: maxLogLines)
        } catch TrackingError.noSuchRun {
            throw ReportError.runNotFound(id: id, database: store.path)
        }
        let s = detail.summary

        let cells = detail.cells.map {
            CellData(index: $0.index, kind: $0.kind, status: $0.status, reused: $0.reused,
                     startedAt: $0.startedAt, endedAt: $0.endedAt, output: $0.output)
        }
        var metrics = try detail.metrics.map { try series(run: id, $0, cellIndex: $0.cell) }
        // A run that reused another run's model trained nothing itself: its train cell shows
        // the curves of the run that trained the model.
        if let source = detail.modelSourceRunID, let train = detail.cells.first(where: { $0.kind == "train" }) {
            let own = Set(metrics.map(\.key))
            metrics += try store.runDetail(source, logLimit: 0).metrics
                .filter { !own.contains($0.key) && ["train", "val"].contains($0.split) }
                .map { try series(run: source, $0, cellIndex: train.index) }
        }
        // Checkpoints are model state, not media: a page that copied them would weigh tens of
        // megabytes. The train cell names them; `funaudio export` gets them back.
        let artifacts = detail.artifacts.filter { $0.kind != "checkpoint" }.map { a in
            MediaArtifact(name: a.name, kind: a.kind, mediaType: a.mediaType, step: a.step,
                          cellIndex: a.cellIndex, bytes: try? store.data(of: a))
        }
        let env = detail.environment
        var environment = [KeyValue("FunAudio", env.funaudioVersion)]
        if let commit = env.gitCommit { environment.append(KeyValue("git commit", commit)) }
        environment += [KeyValue("host", env.host), KeyValue("pid", String(detail.pid)),
                        KeyValue("CPU", env.cpu), KeyValue("threads", String(env.threads))]
        environment += env.libraryVersions.sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value) }
        environment.append(KeyValue("config SHA-256", detail.configSHA256))
        if let source = detail.modelSourceRunID {
            environment.append(KeyValue("model trained by", "run #\(source) (its curves are shown)"))
        }
        if s.status == .running {
            environment.append(KeyValue("last heartbeat", NumberText.time(detail.heartbeatAt)))
        }

        return RunData(
            id: id, experiment: s.experiment, description: detail.experimentDescription, file: detail.file,
            status: s.status.rawValue, error: s.error, startedAt: s.startedAt, endedAt: s.endedAt,
            seed: s.seed, sweep: s.sweepID, tags: detail.tags, environment: environment,
            config: detail.config,
            params: s.params.sorted { $0.key < $1.key }.map { KeyValue($0.key, $0.value.description) },
            cells: cells, metrics: metrics, artifacts: artifacts,
            log: detail.logLines)
    }

    private func series(run: Int64, _ m: MetricSummary, cellIndex: Int?) throws -> MetricSeries {
        let points = try store.metricSeries(run: run, key: m.key)
        return MetricSeries(metric: Metric(m.key, goal: m.goal, unit: m.unit), steps: points.map(\.step),
                            values: points.map { $0.value ?? .nan }, cellIndex: cellIndex,
                            final: m.lastValue.map { StepValue(step: m.lastStep, value: $0) },
                            best: m.bestValue.map { StepValue(step: m.bestStep ?? m.lastStep, value: $0) })
    }

    /// The run ids selected by `sql`: its first column, in order, without repeats.
    public func runIDs(query sql: String) throws -> [Int64] {
        let ids: [Int64]
        do {
            ids = try store.runIDs(query: sql)
        } catch {
            throw ReportError.queryFailed(sql: sql, reason: "\(error)")
        }
        guard !ids.isEmpty else { throw ReportError.noRuns(what: "the query \(sql)") }
        return ids
    }

    /// Index lines for every run in the database (linked when `reports/<id>/index.html`
    /// exists), every comparison page and every other database's folder found in `reports`.
    public func indexEntries(reports: URL) throws -> [IndexEntry] {
        let runs = try store.runs().map { s -> IndexEntry in
            let page = "\(s.id)/index.html"
            let exists = FileManager.default.fileExists(atPath: reports.appendingPathComponent(page).path)
            let finals = s.finalMetrics.compactMap { key, value in value.map { (key: key, value: $0) } }
            return IndexEntry(kind: .run, title: "#\(s.id) \(s.experiment)", href: exists ? page : nil,
                              status: s.status.rawValue, time: s.startedAt, headline: headlineMetrics(finals))
        }
        return runs + ReportWriter.pageEntries(in: reports).filter { $0.kind != .run }
    }
}
