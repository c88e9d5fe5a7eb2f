import CBLAS
import Testing
@testable import Tensor

/// One thread count for OpenBLAS and FunAudio's own pool. Tests set it only to 1, the value
/// every test run uses, so tests running at the same time do not disturb each other.
@Suite struct ParallelTests {
    @Test func oneThreadCountSetsOpenBLASAndThePool() {
        Parallel.threadCount = 1
        #expect(Parallel.threadCount == 1)
        #expect(openblas_get_num_threads() == 1)
        #expect(Parallel.chunkCount(1 << 30, minimumChunk: 1, chunksPerThread: 4) == 1)
    }

    @Test func chunksCoverTheRangeOnceInOrder() {
        for (chunks, count) in [(1, 10), (3, 10), (8, 5), (4, 0)] {
            let ranges = (0..<chunks).map { Parallel.chunkRange($0, of: chunks, count: count) }
            #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        }
    }

    @Test func forEachChunkVisitsEveryItemOnce() {
        var hits = [Int](repeating: 0, count: 1000)
        hits.withUnsafeMutableBufferPointer { h in
            Parallel.forEachChunk(7, of: 1000) { _, range in for i in range { h[i] += 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

}
