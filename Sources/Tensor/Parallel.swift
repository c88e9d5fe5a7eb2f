import CBLAS
import Foundation
import Synchronization

/// The compute floor's threads: one count for OpenBLAS and FunAudio's own kernels (Tensor's
/// and Audio's), and the one parallel-for that splits loops across them.
///
/// ``threadCount`` starts at OpenBLAS's own default (the active cores, or
/// `OPENBLAS_NUM_THREADS`); setting it sets OpenBLAS too, so a run's `train.threads` is the
/// number of busy cores in training, DSP and evaluation alike.
///
/// Work is split only when it is large enough to pay for waking another thread: each caller
/// names its `minimumChunk` (Tensor's elementwise kernels use 32 Ki floats ≈ a few µs).
public enum Parallel {
    private static let threads = Atomic<Int>(Int(openblas_get_num_threads()))

    /// Threads of the process (OpenBLAS's and the pool's); at least 1.
    public static var threadCount: Int {
        get { threads.load(ordering: .relaxed) }
        set {
            precondition(newValue > 0, "Parallel.threadCount: \(newValue) threads; give at least 1")
            threads.store(newValue, ordering: .relaxed)
            openblas_set_num_threads(Int32(newValue))
        }
    }

    /// How many chunks ``forEachChunk(_:of:_:)`` should split `count` items into: one on a
    /// single thread, else at most `chunksPerThread` per thread and at least `minimumChunk`
    /// items each. Several chunks per thread help on a shared machine: a descheduled thread
    /// then delays only its chunk, not a whole share (measured on the STFT: steadier times).
    public static func chunkCount(_ count: Int, minimumChunk: Int, chunksPerThread: Int = 1) -> Int {
        let threads = threadCount
        return threads == 1 ? 1 : Swift.max(1, Swift.min(chunksPerThread * threads, count / Swift.max(1, minimumChunk)))
    }

    /// Calls `body(chunk, range)` for the `chunks` near-equal contiguous ranges covering
    /// `0..<count` (see ``chunkRange(_:of:count:)``), concurrently when there are several.
    /// Chunks never overlap, so bodies that write only inside their range are safe; `chunk`
    /// picks a per-chunk workspace.
    public static func forEachChunk(_ chunks: Int, of count: Int, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        guard count > 0 else { return }
        if chunks <= 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = ChunkBody(run: body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                task.run(chunk, chunkRange(chunk, of: chunks, count: count))
            }
        }
    }

    /// ``forEachChunk(_:of:_:)`` over ``chunkCount(_:minimumChunk:chunksPerThread:)`` chunks.
    public static func forChunks(_ count: Int, minimumChunk: Int, chunksPerThread: Int = 1,
                                 _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
        forEachChunk(chunkCount(count, minimumChunk: minimumChunk, chunksPerThread: chunksPerThread), of: count, body)
    }

    /// The `chunk`-th of `chunks` near-equal contiguous ranges covering `0..<count`.
    public static func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
        (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
    }

    /// Tensor's kernels: `body` on disjoint sub-ranges covering `0..<count`, one per thread
    /// at most, `minimumPerThread` elements each at least.
    @inline(__always)
    static func forRanges(_ count: Int, minimumPerThread: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
        forChunks(count, minimumChunk: minimumPerThread) { _, range in body(range) }
    }
}

/// The chunk body handed to Dispatch's threads. Unchecked because the bodies capture raw
/// buffers; they are safe to share since every chunk writes only inside its own range, and
/// `concurrentPerform` returns only after all of them finished.
private struct ChunkBody: @unchecked Sendable {
    let run: (Int, Range<Int>) -> Void
}
