import Foundation

extension TrackingBench {
    /// `funaudio bench tracking`: sustained metric points per second (at 128 rows per
    /// statement, and at 1–256 for comparison), the Python sqlite3 peer's rate, and what
    /// logging costs the ref-small training step.
    public struct Report: BenchmarkReport {
        public var directory: String
        public var throughput: Throughput
        public var byRowsPerStatement: [Throughput]
        /// Python sqlite3 `executemany`, points per second; nil without the peer.
        public var peerPointsPerSecond: Double?
        public var overhead: StepOverhead
        public var loadAverage: Double?
        static let step = "ref-small training step (batch 16, Adam), the bench model of `bench train`"

        enum Keys: String, CodingKey {
            case pointsPerS = "points_per_s", stepOverheadPct = "step_overhead_pct"
            case stepOverheadCPUPct = "step_overhead_cpu_pct", stepOverheadCI95Pct = "step_overhead_ci95_pct"
            case loggingCostAccountedPct = "logging_cost_accounted_pct", writerCPUUsPerStep = "writer_cpu_us_per_step"
            case points, pointsPerCPUS = "points_per_cpu_s", recordNsPerPoint = "record_ns_per_point"
            case rowsPerStatement = "rows_per_statement", byRows = "points_per_s_by_rows_per_statement"
            case medianStepOffMs = "median_step_off_ms", medianStepOnMs = "median_step_on_ms"
            case medianRecordUsPerStep = "median_record_us_per_step", steps, loadAverage = "load_average"
            case pointsPerStep = "points_per_step", step
            case peer = "peer_python_sqlite3_points_per_s", ratio = "ratio_vs_peer"
        }

        var recordNanosecondsPerPoint: Double { throughput.recordingCPUSeconds / Double(throughput.points) * 1e9 }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(Int(throughput.pointsPerSecond), forKey: .pointsPerS)
            try c.encode(overhead.overheadPercent, forKey: .stepOverheadPct)
            try c.encode(overhead.cpuOverheadPercent, forKey: .stepOverheadCPUPct)
            try c.encode(overhead.overheadCI95Percent, forKey: .stepOverheadCI95Pct)
            try c.encode(overhead.accountedPercent, forKey: .loggingCostAccountedPct)
            try c.encode(overhead.writerCPUSecondsPerStep * 1e6, forKey: .writerCPUUsPerStep)
            try c.encode(throughput.points, forKey: .points)
            try c.encode(Int(throughput.pointsPerCPUSecond), forKey: .pointsPerCPUS)
            try c.encode(recordNanosecondsPerPoint, forKey: .recordNsPerPoint)
            try c.encode(throughput.rowsPerStatement, forKey: .rowsPerStatement)
            try c.encode(Dictionary(uniqueKeysWithValues: byRowsPerStatement.map { ("\($0.rowsPerStatement)", Int($0.pointsPerSecond)) }),
                         forKey: .byRows)
            try c.encode(overhead.medianOffSeconds * 1000, forKey: .medianStepOffMs)
            try c.encode(overhead.medianOnSeconds * 1000, forKey: .medianStepOnMs)
            try c.encode(overhead.medianRecordSeconds * 1e6, forKey: .medianRecordUsPerStep)
            try c.encode(overhead.steps, forKey: .steps)
            try c.encode(overhead.pointsPerStep, forKey: .pointsPerStep)
            try c.encodeIfPresent(loadAverage, forKey: .loadAverage)
            try c.encode(Self.step, forKey: .step)
            if let peerPointsPerSecond {
                try c.encode(Int(peerPointsPerSecond), forKey: .peer)
                try c.encode(throughput.pointsPerSecond / peerPointsPerSecond, forKey: .ratio)
            }
        }

        public var text: String {
            var lines = [
                "Tracking benchmark (scratch databases in \(directory))",
                "  machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage.map { fixed($0, 2) } ?? "?") "
                    + "at the end (wall-clock rates shrink when other processes share the cores; CPU rates do not)",
                String(format: "  throughput: %.0f points/s sustained (%d points, 128 rows/statement, committed in %.2f s)",
                       throughput.pointsPerSecond, throughput.points, throughput.seconds),
                String(format: "    CPU: %.0f points per CPU-second (recording + writer threads); record() costs the training thread %.0f ns/point",
                       throughput.pointsPerCPUSecond, recordNanosecondsPerPoint),
            ]
            for t in byRowsPerStatement {
                lines.append(String(format: "    %3d rows/statement: %9.0f points/s, %9.0f points/CPU-s (%d points)",
                                    t.rowsPerStatement, t.pointsPerSecond, t.pointsPerCPUSecond, t.points))
            }
            lines.append(peerPointsPerSecond.map {
                String(format: "    Python sqlite3 executemany (peer): %.0f points/s; FunAudio is %.2fx", $0, throughput.pointsPerSecond / $0)
            } ?? "    Python peer skipped (--no-peer)")
            lines += [
                "  training step, \(Self.step)",
                String(format: "    median %.2f ms logging off, %.2f ms logging on (%d points/step, %d steps)",
                       overhead.medianOffSeconds * 1000, overhead.medianOnSeconds * 1000, overhead.pointsPerStep, overhead.steps),
                String(format: "    overhead %.2f %% ± %.2f %% (95 %%) wall clock, %.2f %% CPU time (median on/off ratio of off-on-on-off groups of 2-step blocks)",
                       overhead.overheadPercent, overhead.overheadCI95Percent, overhead.cpuOverheadPercent),
                String(format: "    counted: record() %.1f µs + writer thread %.1f µs CPU per step = %.4f %% of the step",
                       overhead.medianRecordSeconds * 1e6, overhead.writerCPUSecondsPerStep * 1e6, overhead.accountedPercent),
            ]
            return lines.joined(separator: "\n")
        }
    }

    /// Measures throughput (`points` at 128 rows per statement; up to a million at 1, 16, 64
    /// and 256, and for the peer), then the logging overhead on `steps` training steps.
    public static func compare(directory: URL, points: Int, steps: Int, pointsPerStep: Int,
                               withPeer: Bool) throws -> Report {
        let comparisonPoints = min(points, 1_000_000)
        let byRows = try [1, 16, 64, 256].map {
            try throughput(directory: directory, points: comparisonPoints, rowsPerStatement: $0)
        }
        let sustained = try throughput(directory: directory, points: points, rowsPerStatement: 128)
        let peer = withPeer ? try pythonPeer(python: Peer.python(), script: Peer.script("tracking.py"),
                                             points: comparisonPoints, directory: directory) : nil
        let step = RefSmallTrainingStep()
        let overhead = try stepOverhead(directory: directory, steps: steps, pointsPerStep: pointsPerStep) { try step() }
        return Report(directory: directory.path, throughput: sustained, byRowsPerStatement: byRows,
                      peerPointsPerSecond: peer, overhead: overhead, loadAverage: Measure.loadAverage)
    }
}
