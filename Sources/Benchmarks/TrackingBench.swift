import Foundation
import Tracking

/// `funaudio bench tracking`: how fast runs.db takes metric points, and what logging costs a
/// training step.
///
/// - Throughput: one thread records `points` points (16 keys, a new step every 16 points) as
///   fast as it can; the figure is points divided by the time from the first `record` to the
///   end of `finish()`, when every point is committed. So it is the writer's sustained rate,
///   not the rate of filling a buffer.
/// - Step overhead: the same training step is timed in blocks with logging off and on
///   (`pointsPerStep` points recorded per step, the background writer running), in the order
///   off, on, on, off, repeated. Before each off block the writer is flushed, untimed, so its
///   leftover work does not slow the off block (a timed flush would charge the block the
///   writer thread's wait for a core, which on a loaded machine is far longer than its work).
///   Overhead = median over the groups of four blocks of sum(on) / sum(off) − 1, in wall-clock
///   time and in process CPU time (all threads): the off-on-on-off order cancels a steady
///   drift (another process slowly taking the cores), which adjacent off-on pairs would
///   charge to logging, and CPU time does not grow when others take the cores away.
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
        /// Median over off-on-on-off groups of their on/off ratio, minus one, in percent (wall clock).
        public var overheadPercent: Double
        /// The same with process CPU time (all threads, the writer's included).
        public var cpuOverheadPercent: Double
        /// Half-width of the 95 % confidence interval of the mean on/off ratio, in percent: how
        /// far the A/B figures can be trusted on this machine at this moment.
        public var overheadCI95Percent: Double
        /// Median time the `record` calls took inside a logging step: the part of the overhead
        /// that is on the training thread itself.
        public var medianRecordSeconds: Double
        /// CPU time of the writer thread per logging step (its share of the cores).
        public var writerCPUSecondsPerStep: Double
        /// What logging costs, counted rather than timed: (record calls + writer CPU) per step
        /// over the step's median time with logging off, in percent. An upper bound on the
        /// slowdown (the writer's CPU time counts as if it all were taken from training), free
        /// of the machine's noise that the A/B figures carry.
        public var accountedPercent: Double {
            (medianRecordSeconds + writerCPUSecondsPerStep) / medianOffSeconds * 100
        }
    }

    /// Records `points` points into a new database in `directory` and times it until committed.
    public static func throughput(directory: URL, points: Int, rowsPerStatement: Int) throws -> Throughput {
        let path = directory.appendingPathComponent("bench-\(rowsPerStatement)-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let store = try RunStore(path: path)
        let keys = (0..<16).map { Metric("bench.metric\($0)", goal: .none) }
        let run = try store.startRun(description("tracking-throughput"),
                                     writerOptions: WriterOptions(rowsPerStatement: rowsPerStatement))
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = Measure.cpuSeconds()
        let threadStart = Measure.cpuSeconds(CLOCK_THREAD_CPUTIME_ID)
        for i in 0..<points {
            run.record(keys[i & 15], step: i >> 4, value: Double(i) * 0.001)
        }
        let recording = Measure.cpuSeconds(CLOCK_THREAD_CPUTIME_ID) - threadStart
        try run.finish()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Throughput(rowsPerStatement: rowsPerStatement, points: points, seconds: seconds,
                          cpuSeconds: Measure.cpuSeconds() - cpuStart, recordingCPUSeconds: recording)
    }

    /// Times `step` in blocks of `block` steps with logging off, on, on, off, ….
    public static func stepOverhead(directory: URL, steps: Int, block: Int = 2, pointsPerStep: Int,
                                    step: () throws -> Void) throws -> StepOverhead {
        let path = directory.appendingPathComponent("bench-steps-\(UUID().uuidString).db").path
        defer { removeDatabase(path) }
        let store = try RunStore(path: path)
        let run = try store.startRun(description("tracking-step-overhead"))
        let keys = (0..<pointsPerStep).map { Metric("train.metric\($0)", goal: .minimize) }
        try step()  // warm-up: caches, thread pools, page faults
        try run.flush()
        let writerCPUBefore = run.writerCPUSeconds
        var off: [(wall: Double, cpu: Double)] = []
        var on: [(wall: Double, cpu: Double)] = []
        var recording: [Double] = []
        var index = 0
        while off.count + on.count < steps {
            let logging = [false, true, true, false][(index / block) % 4]
            if !logging && index % block == 0 { try run.flush() }
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = Measure.cpuSeconds()
            try step()
            if logging {
                let recordStart = DispatchTime.now().uptimeNanoseconds
                for key in keys { run.record(key, step: index, value: Double(index)) }
                recording.append(Double(DispatchTime.now().uptimeNanoseconds - recordStart) / 1e9)
            }
            let sample = (wall: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                          cpu: Measure.cpuSeconds() - cpuStart)
            if logging { on.append(sample) } else { off.append(sample) }
            index += 1
        }
        try run.flush()
        let writerCPU = run.writerCPUSeconds - writerCPUBefore
        try run.finish()
        let group = 2 * block  // off or on steps in one off-on-on-off group
        let groups = min(off.count, on.count) / group
        func ratios(_ value: ((wall: Double, cpu: Double)) -> Double) -> [Double] {
            (0..<groups).map { g in
                let range = (g * group)..<((g + 1) * group)
                return on[range].map(value).reduce(0, +) / off[range].map(value).reduce(0, +)
            }
        }
        let wall = ratios(\.wall)
        return StepOverhead(steps: steps, pointsPerStep: pointsPerStep,
                            medianOffSeconds: Measure.median(off.map(\.wall)), medianOnSeconds: Measure.median(on.map(\.wall)),
                            overheadPercent: (Measure.median(wall) - 1) * 100,
                            cpuOverheadPercent: (Measure.median(ratios(\.cpu)) - 1) * 100,
                            overheadCI95Percent: Measure.confidenceHalfWidth(wall) * 100,
                            medianRecordSeconds: Measure.median(recording),
                            writerCPUSecondsPerStep: writerCPU / Double(max(on.count, 1)))
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

    private static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try? FileManager.default.removeItem(atPath: path + "-blobs")
    }
}
