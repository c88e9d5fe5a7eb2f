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
///   off block the writer is flushed, untimed, so its leftover work does not slow the off block
///   (a timed flush would charge the block the writer thread's wait for a core, which on a
///   loaded machine is far longer than its work).
///   Overhead = median over block pairs of sum(on block) / sum(preceding off block) − 1, in
///   wall-clock time and in process CPU time (all threads): pairing adjacent blocks cancels
///   most of the drift when other processes share the cores, and CPU time does not grow when
///   they take the cores away.
public enum TrackingBench {
    public struct Throughput: Sendable, Codable {
        public var rowsPerStatement: Int
        public var points: Int
        public var seconds: Double
        /// CPU time of the whole process (recording thread + writer thread) during the measurement.
        public var cpuSeconds: Double
        /// CPU time of the recording thread alone: what `record` costs the training loop.
        public var recordingCPUSeconds: Double
        public var pointsPerSecond: Double { Double(points) / seconds }
        /// Points per second of CPU time: what the rate would be with a core each for the
        /// recording and the writer thread, whatever else the machine is doing.
        public var pointsPerCPUSecond: Double { Double(points) / cpuSeconds }
    }

    public struct StepOverhead: Sendable, Codable {
        public var steps: Int
        public var pointsPerStep: Int
        public var medianOffSeconds: Double
        public var medianOnSeconds: Double
        /// Median of the on/off ratios of adjacent blocks, minus one, in percent (wall clock).
        public var overheadPercent: Double
        /// The same with process CPU time (all threads, the writer's included).
        public var cpuOverheadPercent: Double
        /// Median time the `record` calls took inside a logging step: the part of the overhead
        /// that is on the training thread itself (the rest is the writer thread's share of the cores).
        public var medianRecordSeconds: Double
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
        let cpuStart = cpuTime(CLOCK_PROCESS_CPUTIME_ID)
        let threadStart = cpuTime(CLOCK_THREAD_CPUTIME_ID)
        for i in 0..<points {
            run.record(keys[i & 15], step: i >> 4, value: Double(i) * 0.001)
        }
        let recording = cpuTime(CLOCK_THREAD_CPUTIME_ID) - threadStart
        try run.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(rowsPerStatement: rowsPerStatement, points: points, seconds: seconds,
                          cpuSeconds: cpuTime(CLOCK_PROCESS_CPUTIME_ID) - cpuStart, recordingCPUSeconds: recording)
    }

    /// Times `step` in alternating blocks of `block` steps with logging off and on.
    public static func stepOverhead(directory: URL, steps: Int, block: Int = 2, pointsPerStep: Int,
                                    step: () throws -> Void) throws -> StepOverhead {
        let path = directory.appendingPathComponent("bench-steps-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let store = try RunStore(path: path)
        let run = try store.startRun(description("tracking-step-overhead"))
        let keys = (0..<pointsPerStep).map { "train.metric\($0)" }
        try step()  // warm-up: caches, thread pools, page faults
        var off: [(wall: Double, cpu: Double)] = []
        var on: [(wall: Double, cpu: Double)] = []
        var recording: [Double] = []
        var index = 0
        while off.count + on.count < steps {
            let logging = (index / block) % 2 == 1
            if !logging && index % block == 0 { try run.flush() }
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = cpuTime(CLOCK_PROCESS_CPUTIME_ID)
            try step()
            if logging {
                let recordStart = DispatchTime.now().uptimeNanoseconds
                for key in keys { run.record(key, step: index, value: Double(index)) }
                recording.append(Double(DispatchTime.now().uptimeNanoseconds - recordStart) / 1e9)
            }
            let sample = (wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                          cpu: cpuTime(CLOCK_PROCESS_CPUTIME_ID) - cpuStart)
            if logging { on.append(sample) } else { off.append(sample) }
            index += 1
        }
        try run.finish()
        let pairs = min(off.count, on.count) / block
        func pairedOverhead(_ value: ((wall: Double, cpu: Double)) -> Double) -> Double {
            let ratios = (0..<pairs).map { p in
                let range = (p * block)..<((p + 1) * block)
                return on[range].map(value).reduce(0, +) / off[range].map(value).reduce(0, +)
            }
            return (median(ratios) - 1) * 100
        }
        return StepOverhead(steps: steps, pointsPerStep: pointsPerStep,
                            medianOffSeconds: median(off.map(\.wall)), medianOnSeconds: median(on.map(\.wall)),
                            overheadPercent: pairedOverhead(\.wall), cpuOverheadPercent: pairedOverhead(\.cpu),
                            medianRecordSeconds: median(recording))
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

    private static func cpuTime(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
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
