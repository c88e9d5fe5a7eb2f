import Foundation
import Testing
import Tensor
@testable import Models

@Suite struct AlignmentQualityTests {
    @Test func boundaryErrorsCompareTheRunningSums() {
        // boundaries 2, 5, 6 against 3, 5, 8 (the last, 9, always agrees)
        #expect(AlignmentQuality.boundaryErrors(learned: [2, 3, 1, 3], truth: [3, 2, 3, 1]) == [1, 0, 2])
        #expect(AlignmentQuality.boundaryErrors(learned: [4], truth: [4]).isEmpty)
    }

    @Test func medianOfOddAndEvenCounts() {
        #expect([3.0, 1, 2].median == 2)
        #expect([4.0, 1, 2, 3].median == 2.5)
        #expect([Double]().median == nil)
    }

    /// A one-hot monotonic attention is perfectly diagonal; an even spread over N phonemes
    /// keeps only the mass near the path (about 3/N).
    @Test func diagonalityOfASharpAndAFlatAttention() throws {
        let (frames, phonemes) = (12, 6)
        var sharp = [Float](repeating: log(1e-9), count: frames * phonemes)
        for t in 0..<frames { sharp[t * phonemes + t / 2] = 0 }
        let flat = [Float](repeating: log(1 / Float(phonemes)), count: frames * phonemes)
        let both = try AlignmentQuality.diagonality(logSoftAttention: Tensor(sharp + flat, shape: [2, frames, phonemes]),
                                                    textLengths: [phonemes, phonemes], melLengths: [frames, frames])
        #expect(abs(both[0] - 1) < 1e-6)
        #expect(both[1] > 1.9 / 6 && both[1] <= 3.0 / 6 + 1e-6, "\(both[1])")
    }

    @Test func verdictNamesWhatFailed() {
        #expect(AlignmentQuality.problem(diagonality: 0.8, medianBoundaryErrorFrames: 1) == nil)
        #expect(AlignmentQuality.problem(diagonality: 0.2, medianBoundaryErrorFrames: nil)?.contains("diagonality is 0.20") == true)
        #expect(AlignmentQuality.problem(diagonality: 0.9, medianBoundaryErrorFrames: 3)?.contains("median phoneme-boundary error is 3.0 frames") == true)
    }
}
