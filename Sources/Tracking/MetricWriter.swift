import Foundation
import GRDB
import GRDBSQLite

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

/// One buffered metric point; `key` indexes the writer's list of key names.
struct MetricPoint {
    var key: Int32
    var step: Int64
    var value: Double
    var wallTime: Double
}

struct LogLine {
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
    private var lines: [LogLine] = []
    private var keyNames: [String] = []
    private var keyIndex: [String: Int32] = [:]
    private var requestedFlush = 0
    private var completedFlush = 0
    private var closing = false
    private var failure: Error?

    // Writer thread only.
    private var keyIDs: [Int64] = []
    private var grouped: [MetricPoint] = []
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
    func record(_ key: String, step: Int64, value: Double, wallTime: Double) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        let index: Int32
        if let known = keyIndex[key] {
            index = known
        } else {
            index = Int32(keyNames.count)
            keyNames.append(key)
            keyIndex[key] = index
        }
        points.append(MetricPoint(key: index, step: step, value: value, wallTime: wallTime))
        if points.count == options.wakeThreshold { condition.signal() }
    }

    func log(_ message: String, level: LogLevel, wallTime: Double) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        lines.append(LogLine(wallTime: wallTime, level: level, message: message))
    }

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
        var batch: [MetricPoint] = []
        var batchLines: [LogLine] = []
        batch.reserveCapacity(1 << 12)
        condition.lock()
        while true {
            let deadline = Date(timeIntervalSinceNow: options.flushInterval)
            while points.count < options.wakeThreshold && requestedFlush == completedFlush && !closing {
                if !condition.wait(until: deadline) { break }
            }
            swap(&batch, &points)
            swap(&batchLines, &lines)
            let names = keyNames
            let generation = requestedFlush
            let stop = closing
            condition.unlock()

            var writeError: Error?
            do {
                try write(batch, batchLines, names)
            } catch {
                writeError = error
            }

            condition.lock()
            if let writeError {
                // Keep the batch for the next attempt, ahead of newer points.
                failure = writeError
                points.insert(contentsOf: batch, at: 0)
                lines.insert(contentsOf: batchLines, at: 0)
            }
            batch.removeAll(keepingCapacity: true)
            batchLines.removeAll(keepingCapacity: true)
            completedFlush = generation
            condition.broadcast()
            if stop { break }
        }
        condition.unlock()
        finished.signal()
    }

    private func write(_ batch: [MetricPoint], _ batchLines: [LogLine], _ names: [String]) throws {
        let now = Date().timeIntervalSince1970
        let heartbeatDue = now - lastHeartbeat >= options.heartbeatInterval
        guard !batch.isEmpty || !batchLines.isEmpty || heartbeatDue else { return }
        let resolved = try store.write("recording metrics of run \(runID)") { db in
            let ids = try resolveKeys(names, db)
            try insert(batch, keyIDs: ids, db)
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

    /// Database ids for the key names, creating rows in `metric_keys` for new names.
    private func resolveKeys(_ names: [String], _ db: Database) throws -> [Int64] {
        var ids = keyIDs
        for name in names.dropFirst(ids.count) {
            try db.execute(sql: "INSERT INTO metric_keys (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                           arguments: [name])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM metric_keys WHERE name = ?",
                                        arguments: [name])
            ids.append(id!)
        }
        return ids
    }

    /// Inserts the batch grouped by key (a stable counting sort), so each key's points get one
    /// contiguous rowid range, recorded with the points' statistics in `metric_segments`.
    private func insert(_ batch: [MetricPoint], keyIDs: [Int64], _ db: Database) throws {
        guard !batch.isEmpty else { return }
        var starts = [Int](repeating: 0, count: keyIDs.count + 1)
        for point in batch { starts[Int(point.key) &+ 1] &+= 1 }
        for k in 0..<keyIDs.count { starts[k &+ 1] &+= starts[k] }
        var next = starts
        grouped.removeAll(keepingCapacity: true)
        grouped.append(contentsOf: batch)  // only to size the buffer; overwritten below
        grouped.withUnsafeMutableBufferPointer { out in
            for point in batch {
                let k = Int(point.key)
                out[next[k]] = point
                next[k] &+= 1
            }
        }
        let statements = InsertStatements(db, runID: runID, maxRows: options.rowsPerStatement)
        defer { statements.finalize() }
        try grouped.withUnsafeBufferPointer { all in
            for k in 0..<keyIDs.count where starts[k &+ 1] > starts[k] {
                let points = UnsafeBufferPointer(rebasing: all[starts[k]..<starts[k &+ 1]])
                let (first, last) = try statements.insert(points, keyID: keyIDs[k])
                try insertSegment(points, keyID: keyIDs[k], firstRowID: first, lastRowID: last, db)
            }
        }
    }

    private func insertSegment(_ points: UnsafeBufferPointer<MetricPoint>, keyID: Int64,
                               firstRowID: Int64, lastRowID: Int64, _ db: Database) throws {
        var lastStep = points[0].step
        var lastValue = points[0].value
        var low = Double.infinity
        var high = -Double.infinity
        for point in points {
            if point.step >= lastStep {
                lastStep = point.step
                lastValue = point.value
            }
            if !point.value.isNaN {
                low = min(low, point.value)
                high = max(high, point.value)
            }
        }
        let hasValues = low <= high
        try db.cachedStatement(sql: """
            INSERT INTO metric_segments (run_id, key_id, first_rowid, last_rowid, points, first_step,
                                         last_step, last_value, min_value, max_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [runID, keyID, firstRowID, lastRowID, points.count, points[0].step,
                                     lastStep, lastValue.isNaN ? nil : lastValue,
                                     hasValues ? low : nil, hasValues ? high : nil])
    }
}

/// Prepared multi-row INSERTs into `metric_values` with raw binds (no `DatabaseValue` boxing):
/// this loop sets the points-per-second figure. A run of n points goes out as statements of
/// `maxRows` rows, the remainder in power-of-two sizes, so at most a few statements are prepared.
private final class InsertStatements {
    private let db: Database
    private let runID: Int64
    private let maxRows: Int
    private var prepared: [Int: OpaquePointer] = [:]

    init(_ db: Database, runID: Int64, maxRows: Int) {
        self.db = db
        self.runID = runID
        self.maxRows = maxRows
    }

    func finalize() {
        for statement in prepared.values { sqlite3_finalize(statement) }
    }

    /// Inserts `points` (all of one key) and returns their first and last rowid.
    func insert(_ points: UnsafeBufferPointer<MetricPoint>, keyID: Int64) throws -> (Int64, Int64) {
        var offset = 0
        var first: Int64 = 0
        while offset < points.count {
            let remaining = points.count &- offset
            let rows = remaining >= maxRows ? maxRows : 1 << (Int.bitWidth &- 1 &- remaining.leadingZeroBitCount)
            try execute(statement(rows), UnsafeBufferPointer(rebasing: points[offset..<(offset &+ rows)]), keyID)
            if offset == 0 { first = sqlite3_last_insert_rowid(db.sqliteConnection) &- Int64(rows) &+ 1 }
            offset &+= rows
        }
        let last = sqlite3_last_insert_rowid(db.sqliteConnection)
        // One writer holds the lock, so rowids are consecutive; anything else would corrupt segments.
        guard last &- first &+ 1 == Int64(points.count) else {
            throw DatabaseError(resultCode: .SQLITE_INTERNAL,
                                message: "metric rowids not contiguous (\(first)...\(last) for \(points.count) points)")
        }
        return (first, last)
    }

    private func statement(_ rows: Int) throws -> OpaquePointer {
        if let statement = prepared[rows] { return statement }
        let values = Array(repeating: "(?,?,?,?,?)", count: rows).joined(separator: ",")
        let sql = "INSERT INTO metric_values (run_id, key_id, step, value, wall_time) VALUES " + values
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(db.sqliteConnection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        prepared[rows] = statement
        return statement
    }

    private func execute(_ statement: OpaquePointer, _ points: UnsafeBufferPointer<MetricPoint>, _ keyID: Int64) throws {
        var column: Int32 = 1
        for point in points {
            sqlite3_bind_int64(statement, column, runID)
            sqlite3_bind_int64(statement, column &+ 1, keyID)
            sqlite3_bind_int64(statement, column &+ 2, point.step)
            sqlite3_bind_double(statement, column &+ 3, point.value)
            sqlite3_bind_double(statement, column &+ 4, point.wallTime)
            column &+= 5
        }
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: "INSERT INTO metric_values …")
        }
    }
}
