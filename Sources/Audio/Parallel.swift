import Dispatch
import Foundation

/// Runs `body` over `0..<count` split into contiguous chunks when the work is large enough to
/// pay for a thread hand-off (`count >= 2 * minimumChunk`); otherwise inline.
///
/// There are up to four chunks per core, handed to Dispatch's threads as they come free:
/// on a machine shared with other processes, one descheduled thread then delays only a
/// quarter of its share instead of the whole call (measured: steadier wall times).
///
/// `body(chunkIndex, range)` receives the chunk's index (to pick a per-thread workspace) and
/// its range. Chunks never overlap, so bodies that write only inside their range are safe.
func parallelChunks(count: Int, minimumChunk: Int,
                    _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    let chunks = parallelChunkCount(count: count, minimumChunk: minimumChunk)
    if chunks <= 1 {
        if count > 0 { body(0, 0..<count) }
        return
    }
    withoutActuallyEscaping(body) { body in
        let task = ChunkBody(run: body)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            task.run(chunk, chunkRange(chunk, of: chunks, count: count))
        }
    }
}

/// The chunk body handed to Dispatch's threads. Unchecked because the bodies capture raw
/// buffers; they are safe to share since every chunk writes only inside its own range, and
/// `concurrentPerform` returns only after all of them finished.
private struct ChunkBody: @unchecked Sendable {
    let run: (Int, Range<Int>) -> Void
}

/// How many chunks `parallelChunks` uses for `count` items: one on a single core, else at
/// most four per core and at least `minimumChunk` items each.
func parallelChunkCount(count: Int, minimumChunk: Int) -> Int {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    return cores == 1 ? 1 : max(1, min(4 * cores, count / max(1, minimumChunk)))
}

/// The `chunk`-th of `chunks` near-equal contiguous ranges covering `0..<count`.
func chunkRange(_ chunk: Int, of chunks: Int, count: Int) -> Range<Int> {
    (count * chunk / chunks)..<(count * (chunk + 1) / chunks)
}
