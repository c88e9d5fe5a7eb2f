import Foundation

/// Splitting loops across cores.
///
/// Work is split only when it is large enough to pay for waking another thread
/// (`minimumPerThread` elements each, default 32 Ki floats ≈ a few µs of work).
/// OpenBLAS runs its own threads; these helpers are for FunAudio's own kernels.
public enum Parallel {
    /// Threads used by FunAudio's kernels: `FUNAUDIO_THREADS` if set, else the active cores.
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["FUNAUDIO_THREADS"], let n = Int(text), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Calls `body` on disjoint sub-ranges covering `0..<count`, in parallel when large.
    @inline(__always)
    static func forRanges(_ count: Int, minimumPerThread: Int = 1 << 15,
                          _ body: (Range<Int>) -> Void) {
        let chunks = Swift.min(threadCount, count / Swift.max(minimumPerThread, 1))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                box.value(lower..<upper)
            }
        }
    }
}

/// Moves a non-Sendable value (a closure over raw pointers) into `concurrentPerform`:
/// each worker writes a disjoint range, so there is no data race.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
