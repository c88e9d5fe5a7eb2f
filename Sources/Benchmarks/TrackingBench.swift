import CBLAS
import Foundation
import Tracking

/// `funaudio bench tracking`: how fast runs.db takes metric points, and what logging costs a
/// training step.
///
/// - Throughput: one thread records `points` points (16 keys, a new step every 16 points) as
///   fast as it can; the figure is points divided by the time from the first `record` to the
///   end of `finish()`, when every point is committed. So it is the writer's sustained rate,
///   not the rate of filling a buffer.
/// - Step overhead: the same training step is timed in alternating blocks with logging off and
///   on (`pointsPerStep` points recorded per step, the background writer running). Before each
///   off block the writer is flushed (untimed), so its work is charged to the on blocks.
///   Overhead = median(on) / median(off) − 1.
public enum TrackingBench {
    public struct Throughput: Sendable, Codable {
        public var rowsPerStatement: Int
        public var points: Int
        public var seconds: Double
        public var pointsPerSecond: Double { Double(points) / seconds }
    }

    public struct StepOverhead: Sendable, Codable {
        public var steps: Int
        public var pointsPerStep: Int
        public var medianOffSeconds: Double
        public var medianOnSeconds: Double
        public var overheadPercent: Double { (medianOnSeconds / medianOffSeconds - 1) * 100 }
    }

    /// Records `points` points into a new database in `directory` and times it until committed.
    public static func throughput(directory: URL, points: Int, rowsPerStatement: Int) throws -> Throughput {
        let path = directory.appendingPathComponent("bench-\(rowsPerStatement)-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let store = try RunStore(path: path)
        let keys = (0..<16).map { "bench.metric\($0)" }
        let run = try store.startRun(description("tracking-throughput"),
                                     writerOptions: WriterOptions(rowsPerStatement: rowsPerStatement))
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<points {
            run.record(keys[i & 15], step: i >> 4, value: Double(i) * 0.001)
        }
        try run.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(rowsPerStatement: rowsPerStatement, points: points, seconds: seconds)
    }

    /// Times `step` in alternating blocks of `block` steps with logging off and on.
    public static func stepOverhead(directory: URL, steps: Int, block: Int = 4, pointsPerStep: Int,
                                    step: () -> Void) throws -> StepOverhead {
        let path = directory.appendingPathComponent("bench-steps-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let store = try RunStore(path: path)
        let run = try store.startRun(description("tracking-step-overhead"))
        let keys = (0..<pointsPerStep).map { "train.metric\($0)" }
        step()  // warm-up: caches, thread pools, page faults
        var off: [Double] = []
        var on: [Double] = []
        var index = 0
        while off.count + on.count < steps {
            let logging = (index / block) % 2 == 1
            if !logging && index % block == 0 { try run.flush() }
            let start = DispatchTime.now().uptimeNanoseconds
            step()
            if logging {
                for key in keys { run.record(key, step: index, value: Double(index)) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if logging { on.append(seconds) } else { off.append(seconds) }
            index += 1
        }
        try run.finish()
        return StepOverhead(steps: steps, pointsPerStep: pointsPerStep,
                            medianOffSeconds: median(off), medianOnSeconds: median(on))
    }

    /// The Python peer (`scripts/peers/tracking.py`): sqlite3's `executemany` into the same
    /// `metric_values` table and index, WAL mode; returns its points per second.
    public static func pythonPeer(python: String, script: URL, points: Int, directory: URL) throws -> Double {
        let path = directory.appendingPathComponent("bench-python-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script.path, "--db", path, "--points", String(points)]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rate = json["points_per_s"] as? Double else {
            throw TrackingError.statementFailed(sql: script.path, reason: "python peer failed: \(String(decoding: data, as: UTF8.self))")
        }
        return rate
    }

    private static func description(_ name: String) -> RunDescription {
        RunDescription(experiment: name, config: "bench: \(name)\n")
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    private static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try? FileManager.default.removeItem(atPath: path + "-blobs")
    }
}

/// A CPU-bound stand-in for a training step until the real one (bench model `ref-small`) is
/// plugged in: `repeats` single-precision GEMMs C = A·B of n×n matrices on OpenBLAS's threads,
/// 2·n³·repeats floating-point operations, buffers allocated once.
public final class SgemmStandInStep {
    public let n: Int
    public let repeats: Int
    private var a: [Float]
    private var b: [Float]
    private var c: [Float]

    public init(n: Int = 1024, repeats: Int = 12) {
        self.n = n
        self.repeats = repeats
        a = (0..<(n * n)).map { Float(($0 &* 7919) % 101) / 101 - 0.5 }
        b = (0..<(n * n)).map { Float(($0 &* 104_729) % 97) / 97 - 0.5 }
        c = [Float](repeating: 0, count: n * n)
    }

    /// Floating-point operations of one step.
    public var flops: Double { 2 * Double(n) * Double(n) * Double(n) * Double(repeats) }

    public func callAsFunction() {
        let n32 = Int32(n)
        for _ in 0..<repeats {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n32, n32, n32, 1,
                                    a.baseAddress, n32, b.baseAddress, n32, 0, c.baseAddress, n32)
                    }
                }
            }
        }
    }
}
