import Foundation
import Tracking

/// `funaudio bench merge`: how fast `funaudio merge` copies shards into runs.db, and that two
/// merges at once neither corrupt nor duplicate.
///
/// Shards are made first (untimed): each a runs.db with one finished run of `pointsPerShard`
/// points over 8 keys, written by the ordinary metric writer, plus one artifact. The figure
/// is all points divided by the wall-clock time of one `merge` of every shard into a fresh
/// runs.db, from the first shard's check (`PRAGMA quick_check`) to the last commit. Then the
/// same shards are merged again (nothing to add: the idempotence check alone), and by two
/// merges at once into another fresh runs.db; `PRAGMA integrity_check` after each.
public enum MergeBench {
    public struct Report: BenchmarkReport {
        public var shards: Int
        public var pointsPerShard: Int
        public var seconds: Double
        /// Process CPU time of the one merge: what it costs whatever else shares the cores.
        public var cpuSeconds: Double
        public var againSeconds: Double
        public var concurrentSeconds: Double
        /// Runs in the database both concurrent merges wrote (must equal `shards`).
        public var concurrentRuns: Int
        public var concurrentPoints: Int
        public var integrity: [String]
        public var loadAverage: Double?

        public var points: Int { shards * pointsPerShard }
        public var pointsPerSecond: Double { Double(points) / seconds }
        public var pointsPerCPUSecond: Double { Double(points) / cpuSeconds }

        enum Keys: String, CodingKey {
            case shards, pointsPerShard = "points_per_shard", points, seconds, pointsPerS = "points_per_s"
            case cpuSeconds = "cpu_s", pointsPerCPUS = "points_per_cpu_s"
            case againSeconds = "merge_again_s", concurrentSeconds = "two_merges_at_once_s"
            case concurrentRuns = "two_merges_runs", concurrentPoints = "two_merges_points", integrity
            case loadAverage = "load_average"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(shards, forKey: .shards)
            try c.encode(pointsPerShard, forKey: .pointsPerShard)
            try c.encode(points, forKey: .points)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(Int(pointsPerSecond), forKey: .pointsPerS)
            try c.encode(cpuSeconds, forKey: .cpuSeconds)
            try c.encode(Int(pointsPerCPUSecond), forKey: .pointsPerCPUS)
            try c.encode(againSeconds, forKey: .againSeconds)
            try c.encode(concurrentSeconds, forKey: .concurrentSeconds)
            try c.encode(concurrentRuns, forKey: .concurrentRuns)
            try c.encode(concurrentPoints, forKey: .concurrentPoints)
            try c.encode(integrity, forKey: .integrity)
            try c.encodeIfPresent(loadAverage, forKey: .loadAverage)
        }

        public var text: String {
            """
            Merge benchmark: \(shards) shards × \(pointsPerShard) metric points
              one merge: \(fixed(seconds, 3)) s, \(Int(pointsPerSecond)) points/s; \(fixed(cpuSeconds, 3)) CPU-s, \
            \(Int(pointsPerCPUSecond)) points per CPU-second (the wall-clock rate shrinks when others share the cores)
              the same shards again (nothing to add): \(fixed(againSeconds, 3)) s
              two merges at once into a fresh runs.db: \(fixed(concurrentSeconds, 3)) s, \(concurrentRuns) runs and \
            \(concurrentPoints) points (expected \(shards) and \(points))
              integrity_check after each: \(integrity.joined(separator: ", "))
              load average \(loadAverage.map { fixed($0, 2) } ?? "?")
            """
        }
    }

    public static func run(shards: Int, pointsPerShard: Int, directory: URL) throws -> Report {
        let root = directory.appendingPathComponent("funaudio-bench-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let paths = try (0..<shards).map { try makeShard(root.appendingPathComponent("shards/\($0)"), index: $0, points: pointsPerShard) }

        let target = try RunStore(path: try folder(root.appendingPathComponent("one")).appendingPathComponent("runs.db").path)
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = Measure.cpuSeconds()
        _ = try target.merge(shards: paths)
        let seconds = elapsed(since: start)
        let cpuSeconds = Measure.cpuSeconds() - cpuStart
        let integrityOne = try integrity(target)
        let againStart = DispatchTime.now().uptimeNanoseconds
        let again = try target.merge(shards: paths)
        let againSeconds = elapsed(since: againStart)
        guard again.points == 0 else { throw TrackingError.statementFailed(sql: "merge", reason: "merging again copied points") }

        let twoPath = try folder(root.appendingPathComponent("two")).appendingPathComponent("runs.db").path
        _ = try RunStore(path: twoPath)
        let twoStart = DispatchTime.now().uptimeNanoseconds
        let group = DispatchGroup()
        let failures = Failures()
        for _ in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do { _ = try RunStore(path: twoPath).merge(shards: paths) } catch { failures.add(error) }
            }
        }
        group.wait()
        let concurrentSeconds = elapsed(since: twoStart)
        if let error = failures.first { throw error }
        let two = try RunStore(path: twoPath)
        let (runs, points) = try two.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM metric_values") ?? 0)
        }
        return Report(shards: shards, pointsPerShard: pointsPerShard, seconds: seconds, cpuSeconds: cpuSeconds, againSeconds: againSeconds,
                      concurrentSeconds: concurrentSeconds, concurrentRuns: runs, concurrentPoints: points,
                      integrity: [integrityOne, try integrity(target), try integrity(two)],
                      loadAverage: Measure.loadAverage)
    }

    private static func elapsed(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func folder(_ url: URL) throws -> URL {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static func makeShard(_ folder: URL, index: Int, points: Int) throws -> String {
        let path = try self.folder(folder).appendingPathComponent("runs.db").path
        let store = try RunStore(path: path)
        let run = try store.startRun(RunDescription(experiment: "bench-merge", config: "bench: merge \(index)\n",
                                                    params: ["point": .int(Int64(index))], sweepID: "bench-merge"))
        let keys = (0..<8).map { Metric("train.metric\($0)", goal: .minimize) }
        for i in 0..<points { run.record(keys[i & 7], step: i >> 3, value: Double(i) * 0.001) }
        try run.putArtifact(name: "notes.txt", kind: "text", mediaType: "text/plain", data: Data("shard \(index)".utf8))
        try run.finish()
        return path
    }

    private static func integrity(_ store: RunStore) throws -> String {
        try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }

    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [Error] = []
        func add(_ error: Error) { lock.withLock { errors.append(error) } }
        var first: Error? { lock.withLock { errors.first } }
    }
}
