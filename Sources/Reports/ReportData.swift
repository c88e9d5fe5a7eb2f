import Foundation

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
    public var log: [LogLine]

    public init(id: Int64, experiment: String, description: String? = nil, file: String? = nil,
                status: String, error: String? = nil, startedAt: Date, endedAt: Date? = nil,
                seed: Int64? = nil, sweep: String? = nil, tags: [String] = [],
                environment: [KeyValue] = [], config: String = "", params: [KeyValue] = [],
                cells: [CellData] = [], metrics: [MetricSeries] = [],
                artifacts: [MediaArtifact] = [], log: [LogLine] = []) {
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

/// The points of one metric key, sorted by step.
public struct MetricSeries: Sendable {
    /// `train/loss`, `val/loss`, `lr`, …: a `train/` and a `val/` key with the same rest are
    /// drawn in one chart (see ``MetricKey``).
    public var key: String
    public var steps: [Int]
    public var values: [Double]
    /// The cell that wrote it, if known; its charts are shown in that cell.
    public var cellIndex: Int?

    public init(key: String, steps: [Int], values: [Double], cellIndex: Int? = nil) {
        precondition(steps.count == values.count, "a metric series needs one value per step")
        self.key = key
        self.steps = steps
        self.values = values
        self.cellIndex = cellIndex
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

/// One captured log line.
public struct LogLine: Sendable {
    public var time: Date
    public var level: String
    public var message: String

    public init(time: Date, level: String, message: String) {
        self.time = time
        self.level = level
        self.message = message
    }
}
