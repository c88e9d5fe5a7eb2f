import GRDB

/// Each long metric of an ended run, as its lowest and highest point in each of
/// ``count`` equal step ranges (`metric_buckets`): a comparison page draws a 100,000-point
/// curve from a few hundred rows, with every dip and spike still there, instead of reading
/// every point (MLflow's answer to the same wait was server-side sampling, mlflow#20928;
/// keeping each bucket's extremes rather than every n-th point keeps what a reader looks for).
///
/// Written when a run ends and when a merge copies one; dropped when a run is resumed (its
/// points change). A run that is still going, or crashed, has none: it is read whole.
enum MetricBuckets {
    /// Buckets per metric (two points each on a page).
    static let count = 512
    /// Metrics with at most this many points are read whole: no buckets.
    static let threshold = 4 * count

    /// (Re)writes the buckets of every metric of `run` longer than ``threshold``.
    static func write(run: Int64, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM metric_buckets WHERE run_id = ?", arguments: [run])
        let long = try Row.fetchAll(db, sql: """
            SELECT key_id, MIN(first_step) AS first, MAX(last_step) AS last FROM metric_segments
            WHERE run_id = ? GROUP BY key_id HAVING SUM(points) > ?
            """, arguments: [run, threshold])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO metric_buckets (run_id, key_id, bucket, min_step, min_value, max_step, max_value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for key in long {
            let (keyID, first, last): (Int64, Int, Int) = (key["key_id"], key["first"], key["last"])
            let span = max(last - first + 1, 1)
            var low = [(step: Int, value: Double)?](repeating: nil, count: count), high = low
            let points = try Row.fetchCursor(db, sql: """
                SELECT v.step, v.value FROM metric_segments s
                JOIN metric_values v ON v.rowid BETWEEN s.first_rowid AND s.last_rowid
                WHERE s.run_id = ? AND s.key_id = ? AND v.value IS NOT NULL
                """, arguments: [run, keyID])
            while let point = try points.next() {
                let (step, value): (Int, Double) = (point[0], point[1])
                guard value.isFinite else { continue }
                let bucket = min((step - first) * count / span, count - 1)
                if low[bucket].map({ value < $0.value || (value == $0.value && step < $0.step) }) ?? true { low[bucket] = (step, value) }
                if high[bucket].map({ value > $0.value || (value == $0.value && step < $0.step) }) ?? true { high[bucket] = (step, value) }
            }
            for bucket in 0..<count {
                guard let low = low[bucket], let high = high[bucket] else { continue }
                try insert.execute(arguments: [run, keyID, bucket, low.step, low.value, high.step, high.value])
            }
        }
    }

    /// The points a page draws of `key` in `run`: each bucket's lowest and highest, in step
    /// order; nil when the run has no buckets for it (read every point instead).
    static func points(run: Int64, key: String, _ db: Database) throws -> [(step: Int, value: Double?)]? {
        guard try db.tableExists("metric_buckets") else { return nil }  // an older file, read as it is
        let rows = try Row.fetchAll(db, sql: """
            SELECT b.min_step, b.min_value, b.max_step, b.max_value FROM metric_buckets b
            JOIN metric_keys k ON k.id = b.key_id WHERE b.run_id = ? AND k.name = ? ORDER BY b.bucket
            """, arguments: [run, key])
        guard !rows.isEmpty else { return nil }
        return rows.flatMap { row -> [(step: Int, value: Double?)] in
            let low: (step: Int, value: Double?) = (row[0], row[1]), high: (step: Int, value: Double?) = (row[2], row[3])
            if low.step == high.step { return [low] }
            return low.step < high.step ? [low, high] : [high, low]
        }
    }
}
