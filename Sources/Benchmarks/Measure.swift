import Foundation

/// The statistics and clocks every benchmark here reads its timings with.
enum Measure {
    /// The middle value (the mean of the two middle ones for an even count); NaN when empty.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// 1.96 standard errors of the mean of `values` (normal approximation); NaN below two values.
    static func confidenceHalfWidth(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)
        return 1.96 * (variance / Double(values.count)).squareRoot()
    }

    /// Seconds of CPU time on `clock`: the whole process (all threads) by default, or
    /// `CLOCK_THREAD_CPUTIME_ID` for the calling thread.
    static func cpuSeconds(_ clock: clockid_t = CLOCK_PROCESS_CPUTIME_ID) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
