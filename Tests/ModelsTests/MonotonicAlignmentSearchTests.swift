import Testing
import Tensor
@testable import Models

@Suite struct MonotonicAlignmentSearchTests {
    /// Every way to give `phonemes` phonemes ≥ 1 frame each out of `frames`.
    private func allDurations(phonemes: Int, frames: Int) -> [[Int]] {
        guard phonemes > 1 else { return [[frames]] }
        return (1...max(1, frames - phonemes + 1)).flatMap { first in
            allDurations(phonemes: phonemes - 1, frames: frames - first).map { [first] + $0 }
        }
    }

    private func score(_ x: [Float], phonemes: Int, _ durations: [Int]) -> Double {
        var t = 0, total = 0.0
        for (n, d) in durations.enumerated() {
            for _ in 0..<d { total += Double(x[t * phonemes + n]); t += 1 }
        }
        return total
    }

    @Test func findsTheBestPathOfAllMonotonicPathsOnRandomMatrices() throws {
        var generator = SplitMix64(seed: 1111)
        for phonemes in 1...4 {
            for frames in phonemes...8 {
                for _ in 0..<5 {
                    let x = Tensor.randn([1, frames, phonemes], generator: &generator)
                    let durations = try monotonicAlignmentSearch(logProbabilities: x, textLengths: [phonemes],
                                                                 melLengths: [frames])[0]
                    let paths = allDurations(phonemes: phonemes, frames: frames)
                    let best = paths.map { score(x.scalars, phonemes: phonemes, $0) }.max()!
                    #expect(durations.count == phonemes && durations.allSatisfy { $0 >= 1 })
                    #expect(durations.reduce(0, +) == frames)
                    #expect(abs(score(x.scalars, phonemes: phonemes, durations) - best) < 1e-5,
                            "N \(phonemes), T \(frames): \(durations) is not a best path")
                }
            }
        }
    }

    @Test func edgeCasesHaveTheirOnlyPath() throws {
        let square = Tensor.randn([1, 5, 5], seed: 3)
        #expect(try monotonicAlignmentSearch(logProbabilities: square, textLengths: [5], melLengths: [5]) == [[1, 1, 1, 1, 1]])
        let single = Tensor.randn([1, 7, 1], seed: 4)
        #expect(try monotonicAlignmentSearch(logProbabilities: single, textLengths: [1], melLengths: [7]) == [[7]])
        let one = Tensor.randn([1, 1, 1], seed: 5)
        #expect(try monotonicAlignmentSearch(logProbabilities: one, textLengths: [1], melLengths: [1]) == [[1]])
    }

    @Test func aBatchAlignsEachUtteranceWithinItsOwnLengths() throws {
        // Utterance 0 is 6 frames × 3 phonemes with a clear diagonal; utterance 1 is 4 × 2.
        // Padding holds large values that would win if they were read.
        var values = [Float](repeating: 100, count: 2 * 6 * 3)
        let first = [0, 0, 1, 1, 1, 2], second = [0, 1, 1, 1]
        for t in 0..<6 { for n in 0..<3 { values[t * 3 + n] = n == first[t] ? 0 : -5 } }
        for t in 0..<4 { for n in 0..<2 { values[18 + t * 3 + n] = n == second[t] ? 0 : -5 } }
        let durations = try monotonicAlignmentSearch(logProbabilities: Tensor(values, shape: [2, 6, 3]),
                                                     textLengths: [3, 2], melLengths: [6, 4])
        #expect(durations == [[2, 3, 1], [1, 3]])
    }

    @Test func refusesUtterancesWithFewerFramesThanPhonemes() {
        let x = Tensor.zeros([2, 4, 5])
        #expect(throws: AlignmentError.tooFewFrames(utterance: 1, textLength: 5, melLength: 4)) {
            try monotonicAlignmentSearch(logProbabilities: x, textLengths: [2, 5], melLengths: [4, 4])
        }
        #expect(throws: AlignmentError.lengthsOutOfRange(utterance: 0, textLength: 6, melLength: 4, shape: [2, 4, 5])) {
            try monotonicAlignmentSearch(logProbabilities: x, textLengths: [6, 2], melLengths: [4, 4])
        }
        #expect(throws: AlignmentError.batchMismatch(textLengths: 1, melLengths: 2, shape: [2, 4, 5])) {
            try monotonicAlignmentSearch(logProbabilities: x, textLengths: [2], melLengths: [4, 4])
        }
    }
}
