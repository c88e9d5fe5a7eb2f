import Foundation
import GRDB

/// How the background writer batches metric points.
public struct WriterOptions: Sendable {
    /// Longest time a recorded point or log line stays in memory: what a crash can lose.
    public var flushInterval: TimeInterval
    /// Metric rows per INSERT statement execution (see docs/runs-db.md for the measurement).
    public var rowsPerStatement: Int
    /// How often the run's `heartbeat_at` is refreshed; ``RunStore/markCrashedRuns(heartbeatOlderThan:now:)``
    /// treats runs silent for a minute as crashed, so keep this well under a minute.
    public var heartbeatInterval: TimeInterval
    /// Buffered points after which the writer starts early, to bound memory.
    public var wakeThreshold: Int

    public init(flushInterval: TimeInterval = 0.5, rowsPerStatement: Int = 128,
                heartbeatInterval: TimeInterval = 10, wakeThreshold: Int = 1 << 18) {
        precondition(rowsPerStatement >= 1 && rowsPerStatement * 5 <= 32_766,
                     "rowsPerStatement must be in 1...6553 (SQLite allows 32766 bound values)")
        self.flushInterval = flushInterval
        self.rowsPerStatement = rowsPerStatement
        self.heartbeatInterval = heartbeatInterval
        self.wakeThreshold = wakeThreshold
    }
}

/// Severity of a captured log line.
public enum LogLevel: String, Sendable, CaseIterable {
    case debug, info, warning, error
}

/// One buffered metric point; `key` indexes the writer's list of series (metric and cell).
struct MetricPoint {
    var key: Int32
    var step: Int64
    var value: Double
    var wallTime: Double
}

/// One buffered log line.
struct BufferedLogLine {
    var wallTime: Double
    var level: LogLevel
    var message: String
}

/// Buffers a run's metric points and log lines and writes them from its own thread.
///
/// The training thread only appends to an array under a lock (no I/O, no allocation once the
/// array has grown); the writer thread swaps that array for an empty one and inserts the batch
/// in one transaction, at least every ``WriterOptions/flushInterval`` seconds. The same
/// transaction refreshes the heartbeat.
final class MetricWriter: @unchecked Sendable {
    private let store: RunStore
    private let runID: Int64
    private let options: WriterOptions
    private let condition = NSCondition()
    private let finished = DispatchSemaphore(value: 0)

    // Guarded by `condition`.
    private var points: [MetricPoint] = []
    private var lines: [BufferedLogLine] = []
    private var series: [Series] = []
    private var seriesIndex: [Series: Int32] = [:]
    private var requestedFlush = 0
    private var completedFlush = 0
    private var closing = false
    private var failure: Error?
    private var threadCPUSeconds = 0.0

    /// What one `MetricPoint.key` stands for: the points of one metric from one cell.
    struct Series: Hashable {
        var metric: Metric
        var cell: Int?
    }

    // Writer thread only.
    private var keyIDs: [Int64] = []
    private lazy var inserter = MetricInserter(runID: runID, rowsPerStatement: options.rowsPerStatement)
    private var lastHeartbeat = Date().timeIntervalSince1970

    init(store: RunStore, runID: Int64, options: WriterOptions) {
        self.store = store
        self.runID = runID
        self.options = options
        points.reserveCapacity(1 << 12)
        let thread = Thread { [self] in loop() }
        thread.name = "funaudio.tracking.writer.\(runID)"
        thread.start()
    }

    /// Queues one point. Never blocks on I/O; points recorded after `close` are dropped.
    func record(_ metric: Metric, cell: Int?, step: Int64, value: Double, wallTime: Double) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        let key = Series(metric: metric, cell: cell)
        let index: Int32
        if let known = seriesIndex[key] {
            index = known
        } else {
            index = Int32(series.count)
            series.append(key)
            seriesIndex[key] = index
        }
        points.append(MetricPoint(key: index, step: step, value: value, wallTime: wallTime))
        if points.count == options.wakeThreshold { condition.signal() }
    }

    func log(_ message: String, level: LogLevel, wallTime: Double) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        lines.append(BufferedLogLine(wallTime: wallTime, level: level, message: message))
    }

    /// CPU time the writer thread has used, as of its last write: what logging costs beyond
    /// the `record` calls (`funaudio bench tracking`).
    var cpuSeconds: Double { condition.withLock { threadCPUSeconds } }

    /// Waits until everything recorded so far is in the database; rethrows a write failure.
    func flush() throws {
        condition.lock()
        requestedFlush += 1
        let target = requestedFlush
        condition.signal()
        while completedFlush < target { condition.wait() }
        let error = failure
        failure = nil
        condition.unlock()
        if let error { throw error }
    }

    /// Writes what is buffered, stops the thread; rethrows a write failure.
    func close() throws {
        condition.lock()
        if closing {
            condition.unlock()
            return
        }
        closing = true
        requestedFlush += 1
        condition.signal()
        condition.unlock()
        finished.wait()
        condition.lock()
        let error = failure
        failure = nil
        condition.unlock()
        if let error { throw error }
    }

    private func loop() {
        // Lowest priority (nice 19, this thread only): on a machine whose cores all train, the
        // writer takes a core only when a training thread waits, instead of delaying a GEMM.
        // Its work is a few milliseconds a second, so it still flushes on time.
        if let tid = currentThreadID() { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, 19) }
        var batch: [MetricPoint] = []
        var batchLines: [BufferedLogLine] = []
        batch.reserveCapacity(1 << 12)
        condition.lock()
        while true {
            let deadline = Date(timeIntervalSinceNow: options.flushInterval)
            while points.count < options.wakeThreshold && requestedFlush == completedFlush && !closing {
                if !condition.wait(until: deadline) { break }
            }
            swap(&batch, &points)
            swap(&batchLines, &lines)
            let known = series
            let generation = requestedFlush
            let stop = closing
            condition.unlock()

            var writeError: Error?
            do {
                try write(batch, batchLines, known)
            } catch {
                writeError = error
            }

            condition.lock()
            if let writeError {
                // Keep the batch for the next attempt, ahead of newer points.
                failure = writeError
                points.insert(contentsOf: batch, at: 0)
                lines.insert(contentsOf: batchLines, at: 0)
            } else {
                failure = nil  // a retry wrote everything an earlier attempt could not
            }
            batch.removeAll(keepingCapacity: true)
            batchLines.removeAll(keepingCapacity: true)
            threadCPUSeconds = currentThreadCPUSeconds()
            completedFlush = generation
            condition.broadcast()
            if stop { break }
        }
        condition.unlock()
        finished.signal()
    }

    private func write(_ batch: [MetricPoint], _ batchLines: [BufferedLogLine], _ known: [Series]) throws {
        let now = Date().timeIntervalSince1970
        let heartbeatDue = now - lastHeartbeat >= options.heartbeatInterval
        guard !batch.isEmpty || !batchLines.isEmpty || heartbeatDue else { return }
        let resolved = try store.write("recording metrics of run \(runID)") { db in
            let ids = try resolveKeys(known, db)
            try inserter.insert(batch, keyIDs: ids, cells: known.map(\.cell), db)
            for line in batchLines {
                try db.execute(
                    sql: "INSERT INTO log_lines (run_id, wall_time, level, message) VALUES (?, ?, ?, ?)",
                    arguments: [runID, line.wallTime, line.level.rawValue, line.message])
            }
            if heartbeatDue {
                try db.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE id = ?", arguments: [now, runID])
            }
            return ids
        }
        keyIDs = resolved  // only after commit: a rolled-back INSERT leaves no id behind
        if heartbeatDue { lastHeartbeat = now }
    }

    /// Database ids of the series' metric keys, adding new keys to `metric_keys` with their
    /// split, goal and unit (a key stored without a goal takes one given later).
    private func resolveKeys(_ known: [Series], _ db: Database) throws -> [Int64] {
        var ids = keyIDs
        for metric in known.dropFirst(ids.count).map(\.metric) {
            try db.execute(sql: """
                INSERT INTO metric_keys (name, split, goal, unit) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET
                    goal = CASE WHEN excluded.goal = 'none' THEN goal ELSE excluded.goal END,
                    unit = COALESCE(excluded.unit, unit)
                """, arguments: [metric.key, metric.split, metric.goal.rawValue, metric.unit])
            ids.append(try Int64.fetchOne(db, sql: "SELECT id FROM metric_keys WHERE name = ?", arguments: [metric.key])!)
        }
        return ids
    }
}

private func currentThreadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The kernel's id of the calling thread (what `setpriority` takes on Linux), from
/// /proc/thread-self → `<pid>/task/<tid>`: Swift's Glibc has neither `gettid` nor `syscall`.
private func currentThreadID() -> id_t? {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self") else { return nil }
    return target.split(separator: "/").last.flatMap { id_t($0) }
}
