import Foundation
import Tracking
@testable import Reports

/// Small runs to render: a finished run with every kind of output, built from plain data.
enum SampleRuns {
    static func fixture(_ name: String) -> Data {
        let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
        return try! Data(contentsOf: url)
    }

    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    /// A loss that falls like training does, with a little deterministic wiggle.
    static func loss(steps: Int, every: Int = 1, scale: Double = 1, floor: Double = 0.05) -> MetricSeries.Points {
        let s = Array(stride(from: 0, to: steps, by: every))
        let v = s.map { step in
            floor + scale * exp(-Double(step) / Double(max(steps, 1)) * 4)
                * (1 + 0.05 * sin(Double(step) * 0.37))
        }
        return (s, v)
    }

    static func run(id: Int64 = 1, experiment: String = "fusion-film", status: String = "finished",
                    fusion: String = "film", lossScale: Double = 1, steps: Int = 400,
                    withMedia: Bool = true) -> RunData {
        let train = loss(steps: steps, scale: lossScale)
        let val = loss(steps: steps, every: 50, scale: lossScale * 1.1, floor: 0.08)
        var artifacts: [MediaArtifact] = []
        if withMedia {
            for n in 0..<2 {
                let group = "synth/0\(n)"
                artifacts += [
                    MediaArtifact(name: "\(group)/text.txt", kind: "text", mediaType: "text/plain",
                                  cellIndex: 3, bytes: Data("Sentence number \(n) is spoken here.".utf8)),
                    MediaArtifact(name: "\(group)/predicted.png", kind: "image", mediaType: "image/png",
                                  cellIndex: 3, bytes: fixture("spectrogram.png")),
                    MediaArtifact(name: "\(group)/target.png", kind: "image", mediaType: "image/png",
                                  cellIndex: 3, bytes: fixture("spectrogram.png")),
                    MediaArtifact(name: "\(group)/predicted.wav", kind: "audio", mediaType: "audio/wav",
                                  cellIndex: 3, bytes: fixture("tone.wav")),
                    MediaArtifact(name: "\(group)/target.wav", kind: "audio", mediaType: "audio/wav",
                                  cellIndex: 3, bytes: fixture("tone.wav")),
                ]
            }
            artifacts.append(MediaArtifact(name: "attention.png", kind: "image", mediaType: "image/png",
                                           step: steps, cellIndex: 2, bytes: fixture("attention.png")))
        }
        return RunData(
            id: id, experiment: experiment,
            description: "Tests **FiLM** fusion of text and audio.\n\n- 2 layers\n- `lr` 1e-3",
            file: "experiments/\(experiment).yaml", status: status,
            startedAt: start.addingTimeInterval(Double(id) * 3600),
            endedAt: status == "running" ? nil : start.addingTimeInterval(Double(id) * 3600 + 754),
            seed: 7, sweep: nil, tags: ["ablation"],
            environment: [KeyValue("funaudio", "0.1.0"), KeyValue("host", "lab-1"), KeyValue("threads", "2")],
            config: "name: \(experiment)\nmodel:\n  fusion:\n    kind: \(fusion)\n",
            params: [KeyValue("model.fusion.kind", fusion), KeyValue("train.lr", "0.001"),
                     KeyValue("train.steps", String(steps))],
            cells: [
                CellData(index: 0, kind: "markdown", output: "## Plan\nTrain, then listen."),
                CellData(index: 1, kind: "prepare", reused: true, output: "12 utterances"),
                CellData(index: 2, kind: "train", startedAt: start, endedAt: start.addingTimeInterval(700)),
                CellData(index: 3, kind: "synthesize"),
            ],
            metrics: [
                .sample("train.loss", goal: .minimize, steps: train.steps, values: train.values, cellIndex: 2),
                .sample("val.loss", goal: .minimize, steps: val.steps, values: val.values, cellIndex: 2),
            ],
            artifacts: artifacts,
            log: [LogRecord(time: start, level: "info", message: "started"),
                  LogRecord(time: start.addingTimeInterval(754), level: "info", message: "finished")])
    }
}

extension MetricSeries {
    typealias Points = (steps: [Int], values: [Double])

    /// A series with the final and best values runs.db would give it (last finite point; the
    /// lowest or highest finite one as `goal` says).
    static func sample(_ key: String, goal: Metric.Goal = .none, steps: [Int], values: [Double],
                       cellIndex: Int? = nil) -> MetricSeries {
        let points = zip(steps, values).filter { $0.1.isFinite }.map { StepValue(step: $0.0, value: $0.1) }
        let best = goal == .none ? nil : goal == .minimize ? points.min { $0.value < $1.value } : points.max { $0.value < $1.value }
        return MetricSeries(metric: Metric(key, goal: goal), steps: steps, values: values, cellIndex: cellIndex,
                            final: points.last, best: best)
    }
}

/// Writes pages into a fresh temporary folder, removed by the caller.
func temporaryFolder(_ name: String = #function) -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("funaudio-reports-\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
