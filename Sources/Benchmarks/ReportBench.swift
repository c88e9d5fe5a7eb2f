import Foundation
import Reports
import Seeded
import Tracking

/// `funaudio bench report`: how long a large comparison page takes to render and how much it
/// weighs.
///
/// The comparison holds `runs` runs of `steps` training-loss points each (plus a validation
/// point every 1,000 steps and two synthesised sentences with a PNG and a WAV per run).
/// - render: `renderComparison` plus writing the folder, median of `repeats`;
/// - page bytes: HTML + CSS + script, without media; media bytes separately;
/// - load: reading the same runs back from a runs.db filled through the Tracking API
///   (what `funaudio compare` does before rendering), once.
public enum ReportBench {
    public struct Result: Sendable, BenchmarkReport {
        public var runs: Int
        public var steps: Int
        public var renderMS: Double
        public var renderOnlyMS: Double
        /// Process CPU time of render + write: on a shared machine the wall time includes
        /// waiting for a core, this does not.
        public var renderCPUMS: Double
        public var pageBytes: Int
        public var mediaBytes: Int
        public var loadMS: Double?
        /// From runs.db to the written page: `loadMS + renderMS` (the issue's ≤ 2 s).
        public var totalMS: Double?

        enum CodingKeys: String, CodingKey {
            case runs, steps
            case renderMS = "render_ms", renderOnlyMS = "render_only_ms", renderCPUMS = "render_cpu_ms"
            case pageBytes = "page_bytes", mediaBytes = "media_bytes", loadMS = "load_ms", totalMS = "total_ms"
        }
    }

    public static func run(runs: Int, steps: Int, repeats: Int, directory: URL, database: Bool) throws -> Result {
        let data = (0..<runs).map { syntheticRun(index: $0, steps: steps) }
        let writer = try ReportWriter()
        let folder = directory.appendingPathComponent("bench-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }

        var total: [Double] = [], renderOnly: [Double] = [], cpu: [Double] = []
        var page: RenderedPage?
        for _ in 0..<max(repeats, 1) {
            let cpuStart = Measure.cpuSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            let rendered = writer.renderComparison(data, title: "Benchmark: \(runs) runs × \(steps) steps")
            let rendering = DispatchTime.now().uptimeNanoseconds
            try writer.write(rendered, to: folder)
            let end = DispatchTime.now().uptimeNanoseconds
            cpu.append((Measure.cpuSeconds() - cpuStart) * 1e3)
            renderOnly.append(Double(rendering - start) / 1e6)
            total.append(Double(end - start) / 1e6)
            page = rendered
        }
        let loadMS = database ? try timeLoading(data, directory: directory) : nil
        return Result(runs: runs, steps: steps, renderMS: Measure.median(total), renderOnlyMS: Measure.median(renderOnly),
                      renderCPUMS: Measure.median(cpu),
                      pageBytes: page?.pageBytes ?? 0,
                      mediaBytes: page?.files.reduce(0) { $0 + $1.bytes.count } ?? 0, loadMS: loadMS,
                      totalMS: loadMS.map { $0 + Measure.median(total) })
    }

    /// A run whose loss falls with seeded noise, so the downsampling has extremes to keep.
    static func syntheticRun(index: Int, steps: Int) -> RunData {
        var rng = SplitMix64(seed: UInt64(index) &+ 1)
        let scale = 1 + Double(index) * 0.05
        let train = (0..<steps).map { step in
            scale * exp(-Double(step) / Double(steps) * 3) + 0.05 * rng.nextUnit()
        }
        let valSteps = Array(stride(from: 0, to: steps, by: 1000))
        let val = valSteps.map { scale * 1.1 * exp(-Double($0) / Double(steps) * 3) }
        let image = Data(repeating: UInt8(index & 255), count: 20_000)
        let audio = Data(repeating: 0, count: 44_000)
        var artifacts: [MediaArtifact] = []
        for n in 0..<2 {
            artifacts += [
                MediaArtifact(name: "synth/0\(n)/text.txt", kind: "text", mediaType: "text/plain",
                              bytes: Data("Benchmark sentence \(n).".utf8)),
                MediaArtifact(name: "synth/0\(n)/predicted.png", kind: "image", mediaType: "image/png", bytes: image),
                MediaArtifact(name: "synth/0\(n)/predicted.wav", kind: "audio", mediaType: "audio/wav", bytes: audio),
            ]
        }
        return RunData(
            id: Int64(index + 1), experiment: "bench-\(index % 4)", status: "finished",
            startedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index) * 3600),
            endedAt: Date(timeIntervalSince1970: 1_795_000_000 + Double(index) * 3600 + 600),
            config: "seed: \(index)\n",
            params: [KeyValue("model.fusion.kind", ["film", "concat", "gated", "cross"][index % 4]),
                     KeyValue("seed", String(index)), KeyValue("train.lr", "0.001")],
            metrics: [MetricSeries(metric: Metric("train.loss", goal: .minimize), steps: Array(0..<steps), values: train,
                                   final: StepValue(step: steps - 1, value: train[steps - 1])),
                      MetricSeries(metric: Metric("val.loss", goal: .minimize), steps: valSteps, values: val,
                                   final: valSteps.last.map { StepValue(step: $0, value: val[val.count - 1]) })],
            artifacts: artifacts)
    }

    /// Fills a scratch runs.db with `runs` and times loading them back with ``RunLoader``.
    static func timeLoading(_ runs: [RunData], directory: URL) throws -> Double {
        let path = directory.appendingPathComponent("bench-report-\(UUID().uuidString).db").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let store = try RunStore(path: path)
        var ids: [Int64] = []
        for data in runs {
            let run = try store.startRun(RunDescription(
                experiment: data.experiment, config: data.config,
                params: Dictionary(uniqueKeysWithValues: data.params.map { ($0.key, ParamValue.string($0.value)) })))
            for series in data.metrics {
                for (step, value) in zip(series.steps, series.values) { run.record(series.metric, step: step, value: value) }
            }
            for a in data.artifacts {
                try run.putArtifact(name: a.name, kind: a.kind, mediaType: a.mediaType, data: a.bytes ?? Data())
            }
            try run.finish()
            ids.append(run.id)
        }
        let loader = RunLoader(store: store)
        let start = DispatchTime.now().uptimeNanoseconds
        for id in ids { _ = try loader.run(id) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
}

extension ReportBench.Result {
    public var text: String {
        var lines = [
            "comparison of \(runs) runs × \(steps) steps",
            String(format: "  render + write  %8.1f ms wall, %.1f ms CPU (render only %.1f ms)",
                   renderMS, renderCPUMS, renderOnlyMS),
            String(format: "  page            %8.0f kB without media (target ≤ 2048 kB); media %.0f kB",
                   Double(pageBytes) / 1024, Double(mediaBytes) / 1024),
        ]
        if let loadMS, let totalMS {
            lines.append(String(format: "  load from db    %8.1f ms", loadMS))
            lines.append(String(format: "  db to page      %8.1f ms wall (load + render + write; target ≤ 2000 ms)", totalMS))
        }
        return lines.joined(separator: "\n")
    }
}
