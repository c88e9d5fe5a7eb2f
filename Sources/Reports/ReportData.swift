import Foundation
import Tracking

// Plain data a report is rendered from. The loader (`RunLoader`) fills these from runs.db;
// tests and benchmarks build them directly. Nothing here is trusted: every string is escaped
// (or rendered as Markdown with raw HTML disabled) when a page is written.

/// One key and its value, in display order (environment entries, parameters).
public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// Everything a run page shows about one run.
public struct RunData: Sendable {
    public var id: Int64
    public var experiment: String
    /// Markdown.
    public var description: String?
    public var file: String?
    /// `running`, `finished`, `failed`, `interrupted` or `crashed` (as stored in runs.db).
    public var status: String
    public var error: String?
    public var startedAt: Date
    public var endedAt: Date?
    public var seed: Int64?
    public var sweep: String?
    public var tags: [String]
    /// FunAudio version, git commit, host, CPU, threads, library versions, in display order.
    public var environment: [KeyValue]
    /// The resolved configuration as text (YAML).
    public var config: String
    /// Flattened parameters (`model.fusion.kind`), sorted by key.
    public var params: [KeyValue]
    public var cells: [CellData]
    public var metrics: [MetricSeries]
    public var artifacts: [MediaArtifact]
    public var log: [LogRecord]

    public init(id: Int64, experiment: String, description: String? = nil, file: String? = nil,
                status: String, error: String? = nil, startedAt: Date, endedAt: Date? = nil,
                seed: Int64? = nil, sweep: String? = nil, tags: [String] = [],
                environment: [KeyValue] = [], config: String = "", params: [KeyValue] = [],
                cells: [CellData] = [], metrics: [MetricSeries] = [],
                artifacts: [MediaArtifact] = [], log: [LogRecord] = []) {
        self.id = id
        self.experiment = experiment
        self.description = description
        self.file = file
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.seed = seed
        self.sweep = sweep
        self.tags = tags
        self.environment = environment
        self.config = config
        self.params = params
        self.cells = cells
        self.metrics = metrics
        self.artifacts = artifacts
        self.log = log
    }

    /// A run still running (or one that crashed or was interrupted) has only part of its
    /// outputs; its pages say so.
    public var isPartial: Bool { status != "finished" && status != "failed" }
}

/// One notebook cell of a run, in order.
public struct CellData: Sendable {
    public var index: Int
    /// `markdown`, `prepare`, `train`, `evaluate`, `synthesize`, `compare`, …
    public var kind: String
    public var status: String
    /// Whether the cell's outputs were reused from an earlier run (notebook-style caching).
    public var reused: Bool
    public var startedAt: Date?
    public var endedAt: Date?
    /// The cell's text output, rendered as Markdown (a `markdown` cell's text, a summary).
    public var output: String?

    public init(index: Int, kind: String, status: String = "finished", reused: Bool = false,
                startedAt: Date? = nil, endedAt: Date? = nil, output: String? = nil) {
        self.index = index
        self.kind = kind
        self.status = status
        self.reused = reused
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.output = output
    }
}

/// The points of one metric of a run, sorted by step, with what runs.db says of them.
public struct MetricSeries: Sendable {
    /// The metric as its recorder declared it: `split.name` key, goal, unit. Series of one
    /// name in several splits (`train.mel_l1`, `val.mel_l1`) are drawn in one chart.
    public var metric: Metric
    public var steps: [Int]
    public var values: [Double]
    /// The cell that wrote it, if known; its charts are shown in that cell.
    public var cellIndex: Int?
    /// The value at the highest step, and the best value as the metric's goal defines it
    /// (nil without a goal), each with its step: what runs.db computed, not the page.
    public var final: StepValue?
    public var best: StepValue?

    public init(metric: Metric, steps: [Int], values: [Double], cellIndex: Int? = nil,
                final: StepValue? = nil, best: StepValue? = nil) {
        precondition(steps.count == values.count, "a metric series needs one value per step")
        self.metric = metric
        self.steps = steps
        self.values = values
        self.cellIndex = cellIndex
        self.final = final
        self.best = best
    }

    public var key: String { metric.key }

    /// Drawn as a line: more than one point (a final evaluation is shown in the table only).
    var isCurve: Bool { steps.count > 1 }

    /// Training splits (and keys without a split) are drawn solid, the others dashed.
    var isTraining: Bool { metric.split.map { $0.hasPrefix("train") } ?? true }
}

/// A metric's value at a step.
public struct StepValue: Sendable, Equatable {
    public var step: Int
    public var value: Double
    public init(step: Int, value: Double) {
        self.step = step
        self.value = value
    }
}

/// A stored output file: spectrogram or attention PNG, WAV/FLAC audio, text.
///
/// Names with a folder (`synth/03/predicted.wav`) group the files of one synthesised
/// sentence: the folder is the group, a `text/plain` file in it holds the sentence, and the
/// file's stem says its role (see ``MediaRole``).
public struct MediaArtifact: Sendable {
    public var name: String
    /// `audio`, `image`, `text`, `checkpoint`, … (as recorded).
    public var kind: String
    public var mediaType: String
    public var step: Int?
    public var cellIndex: Int?
    /// The bytes, or nil when they could not be read (the page says they are missing).
    public var bytes: Data?

    public init(name: String, kind: String, mediaType: String, step: Int? = nil,
                cellIndex: Int? = nil, bytes: Data?) {
        self.name = name
        self.kind = kind
        self.mediaType = mediaType
        self.step = step
        self.cellIndex = cellIndex
        self.bytes = bytes
    }
}
