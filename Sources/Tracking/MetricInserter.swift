import GRDB
import GRDBSQLite

/// Inserts metric points of one run: grouped by key, so each key's points get one contiguous
/// rowid range, recorded with their statistics as a `metric_segments` row (see docs/runs-db.md).
/// Used by the background writer and when a resumed run drops points after its checkpoint.
struct MetricInserter {
    let runID: Int64
    let rowsPerStatement: Int
    private var grouped: [MetricPoint] = []

    init(runID: Int64, rowsPerStatement: Int) {
        self.runID = runID
        self.rowsPerStatement = rowsPerStatement
    }

    /// A batch larger than `chunk` points (the writer fell behind) is grouped and inserted a
    /// chunk at a time, so the grouping buffer stays small enough for the cache.
    /// `keyIDs[k]` and `cells[k]`: the metric key and the cell of the points whose `key` is `k`.
    mutating func insert(_ batch: [MetricPoint], keyIDs: [Int64], cells: [Int?], _ db: Database) throws {
        guard !batch.isEmpty else { return }
        let statements = InsertStatements(db, runID: runID, maxRows: rowsPerStatement)
        defer { statements.finalize() }
        let chunk = 1 << 16
        try batch.withUnsafeBufferPointer { all in
            var offset = 0
            while offset < all.count {
                let end = min(offset &+ chunk, all.count)
                try insertGrouped(UnsafeBufferPointer(rebasing: all[offset..<end]), keyIDs, cells, statements, db)
                offset = end
            }
        }
    }

    private mutating func insertGrouped(_ batch: UnsafeBufferPointer<MetricPoint>, _ keyIDs: [Int64], _ cells: [Int?],
                                        _ statements: InsertStatements, _ db: Database) throws {
        var starts = [Int](repeating: 0, count: keyIDs.count &+ 1)
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
        try grouped.withUnsafeBufferPointer { all in
            for k in 0..<keyIDs.count where starts[k &+ 1] > starts[k] {
                let points = UnsafeBufferPointer(rebasing: all[starts[k]..<starts[k &+ 1]])
                let (first, last) = try statements.insert(points, keyID: keyIDs[k])
                try insertSegment(points, keyID: keyIDs[k], cell: cells[k], firstRowID: first, lastRowID: last, db)
            }
        }
    }

    private func insertSegment(_ points: UnsafeBufferPointer<MetricPoint>, keyID: Int64, cell: Int?,
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
            INSERT INTO metric_segments (run_id, key_id, cell_index, first_rowid, last_rowid, points, first_step,
                                         last_step, last_value, min_value, max_value)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [runID, keyID, cell, firstRowID, lastRowID, points.count, points[0].step,
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
