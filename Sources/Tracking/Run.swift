import Foundation
import GRDB

/// The status column of `runs`.
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    case running, finished, failed, interrupted, crashed
}

/// A run being recorded: the handle the runner gets from ``RunStore/startRun(_:writerOptions:)``.
///
/// `record` and `log` are buffered and written by a background thread (they never wait for the
/// database); artifacts, cells and tags are written at once. End the run with ``finish()``,
/// ``fail(_:)`` or ``interrupt()``, which first write everything still buffered.
public final class Run: Sendable {
    public let id: Int64
    public let store: RunStore
    private let writer: MetricWriter
    private let ended = NSLock()
    nonisolated(unsafe) private var isEnded = false

    init(id: Int64, store: RunStore, options: WriterOptions) {
        self.id = id
        self.store = store
        self.writer = MetricWriter(store: store, runID: id, options: options)
    }

    /// Records `value` of `metric` at `step`, written by notebook cell `cell` (its report
    /// shows the metric there). Returns at once; the point reaches runs.db within
    /// ``WriterOptions/flushInterval``. Recording a key twice at one step keeps both rows;
    /// views take the later one. Points recorded after the run ended are dropped.
    public func record(_ metric: Metric, step: Int, value: Double, cell: Int? = nil, at time: Date = Date()) {
        writer.record(metric, cell: cell, step: Int64(step), value: value, wallTime: time.timeIntervalSince1970)
    }

    /// Captures one log line of the run (buffered like metrics).
    public func log(_ message: String, level: LogLevel = .info, at time: Date = Date()) {
        writer.log(message, level: level, wallTime: time.timeIntervalSince1970)
    }

    /// CPU seconds the background writer has spent so far (as of its last write).
    public var writerCPUSeconds: Double { writer.cpuSeconds }

    /// Waits until everything recorded so far is in runs.db.
    public func flush() throws {
        try writer.flush()
    }

    /// Stores an artifact of this run; see ``RunStore/putArtifact(run:name:kind:mediaType:data:cell:step:)``.
    @discardableResult
    public func putArtifact(name: String, kind: String, mediaType: String, data: Data,
                            cell: Int? = nil, step: Int? = nil) throws -> Artifact {
        try store.putArtifact(run: id, name: name, kind: kind, mediaType: mediaType, data: data,
                              cell: cell, step: step)
    }

    public func tag(_ tag: String) throws {
        try store.write("tagging run \(id)") { db in
            try db.execute(sql: "INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)", arguments: [id, tag])
        }
    }

    /// Records that this run took its trained model from run `source` instead of training
    /// (its train cell was reused): its page shows that run's training curves.
    public func setModelSource(_ source: Int64) throws {
        try store.write("linking run \(id) to the run its model came from") { db in
            try db.execute(sql: "UPDATE runs SET model_source_run_id = ? WHERE id = ?", arguments: [source, id])
        }
    }

    // MARK: Cells

    /// Marks cell `index` (0-based position in the experiment's `cells`) as running.
    /// `inputSHA256` names everything the cell's output depends on (config slice, data, code
    /// version); ``RunStore/reusableCell(kind:inputSHA256:)`` finds it again.
    public func startCell(_ index: Int, kind: String, inputSHA256: String? = nil) throws {
        try store.write("starting cell \(index) of run \(id)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO cells (run_id, cell_index, kind, status, reused, input_sha256, started_at)
                VALUES (?, ?, ?, 'running', 0, ?, ?)
                """, arguments: [id, index, kind, inputSHA256, Date().timeIntervalSince1970])
        }
    }

    /// Ends cell `index` with `status` (`finished`, `failed` or `interrupted`) and its output
    /// (free text or JSON that the report shows).
    public func finishCell(_ index: Int, status: RunStatus = .finished, output: String? = nil) throws {
        try store.write("finishing cell \(index) of run \(id)") { db in
            try db.execute(sql: "UPDATE cells SET status = ?, ended_at = ?, output = ? WHERE run_id = ? AND cell_index = ?",
                           arguments: [status.rawValue, Date().timeIntervalSince1970, output, id, index])
            if db.changesCount == 0 {
                throw TrackingError.statementFailed(sql: "UPDATE cells …",
                                                    reason: "cell \(index) of run \(id) was never started")
            }
        }
    }

    /// Records that cell `index` took its output from an earlier run's cell instead of running.
    public func reuseCell(_ index: Int, kind: String, inputSHA256: String, output: String?) throws {
        let now = Date().timeIntervalSince1970
        try store.write("reusing cell \(index) of run \(id)") { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO cells
                    (run_id, cell_index, kind, status, reused, input_sha256, started_at, ended_at, output)
                VALUES (?, ?, ?, 'reused', 1, ?, ?, ?, ?)
                """, arguments: [id, index, kind, inputSHA256, now, now, output])
        }
    }

    // MARK: Lifecycle

    /// Ends the run as `finished`.
    public func finish() throws { try end(.finished, error: nil) }

    /// Ends the run as `failed` with the error message shown by `funaudio show`.
    public func fail(_ message: String) throws { try end(.failed, error: message) }

    /// Ends the run as `interrupted` (SIGINT/SIGTERM); `resume` can continue it.
    public func interrupt(_ reason: String = "interrupted by signal") throws { try end(.interrupted, error: reason) }

    private func end(_ status: RunStatus, error message: String?) throws {
        ended.lock()
        defer { ended.unlock() }
        guard !isEnded else { throw TrackingError.runClosed(run: id) }
        isEnded = true
        var flushError: Error?
        do { try writer.close() } catch { flushError = error }
        let now = Date().timeIntervalSince1970
        let error = [message, flushError.map { "metrics not fully written: \($0)" }]
            .compactMap { $0 }.joined(separator: "; ")
        try store.write("ending run \(id)") { db in
            try db.execute(sql: "UPDATE runs SET status = ?, ended_at = ?, heartbeat_at = ?, error = ? WHERE id = ?",
                           arguments: [status.rawValue, now, now, error.isEmpty ? nil : error, id])
            try MetricBuckets.write(run: id, db)
        }
        if let flushError { throw flushError }
    }

    deinit {
        try? writer.close()
    }
}
