import Foundation
import Tensor

/// How good a learned alignment is, in two numbers a reader can judge:
///
/// - **diagonality**: for each frame, the soft attention's mass on the phoneme of its best
///   monotonic path (MAS over the same attention) and the phonemes either side of it,
///   averaged over the frames of an utterance. 1: one clean monotonic line; about `3/N`:
///   attention spread evenly over `N` phonemes. Measured on the aligner's own attention,
///   without the prior that guides it in training (the prior alone looks diagonal).
/// - **boundary error**: `|Σ_{i≤k} d̂_i − Σ_{i≤k} d_i|` in frames for each inner phoneme
///   boundary `k = 1 … N − 1` of learned durations `d̂` against true durations `d`
///   (the outer boundaries always agree).
public enum AlignmentQuality {
    /// An aligner is taken to have converged when its diagonality is at least this…
    ///
    /// Calibrated on the built-in corpus at quickstart settings, where the truth is known:
    /// 0.07 untrained, 0.20 when the median boundary error is 2 frames (step 100), 0.31 when
    /// it is 1 frame (step 200), 0.37 at step 500. The unguided attention sharpens slowly
    /// while the guided one is already right, so the bar sits between 2 frames and 1.
    public static let minimumDiagonality = 0.25
    /// …and, when true durations are known, its median boundary error is at most this many
    /// frames (the target is 1 frame; 2 leaves room for a short run).
    public static let maximumMedianBoundaryError = 2.0

    /// The diagonality of each utterance of a `[B, T, N]` log soft attention.
    public static func diagonality(logSoftAttention: Tensor, textLengths: [Int],
                                   melLengths: [Int]) throws(AlignmentError) -> [Double] {
        let path = try monotonicAlignmentSearch(logProbabilities: logSoftAttention, textLengths: textLengths,
                                                melLengths: melLengths)
        let (maxMel, maxText) = (logSoftAttention.shape[1], logSoftAttention.shape[2])
        return logSoftAttention.withUnsafeBufferPointer { values in
            path.enumerated().map { b, durations in
                var t = 0, mass = 0.0
                for (n, d) in durations.enumerated() {
                    for _ in 0..<d {
                        let row = (b * maxMel + t) * maxText
                        for k in max(0, n - 1)...min(textLengths[b] - 1, n + 1) { mass += exp(Double(values[row + k])) }
                        t += 1
                    }
                }
                return mass / Double(melLengths[b])
            }
        }
    }

    /// The absolute errors, in frames, of the inner phoneme boundaries of `learned` against `truth`.
    public static func boundaryErrors(learned: [Int], truth: [Int]) -> [Int] {
        precondition(learned.count == truth.count, "AlignmentQuality: \(learned.count) learned durations, \(truth.count) true")
        var (a, b) = (0, 0)
        return zip(learned.dropLast(), truth.dropLast()).map { x, y in
            a += x; b += y
            return abs(a - b)
        }
    }

}

extension AlignmentQuality {
    /// Why an aligner has not converged, from its last validation (diagonality, and the
    /// median boundary error in frames when true durations are known); nil when it has.
    public static func problem(diagonality: Double, medianBoundaryErrorFrames: Double?) -> String? {
        var reasons: [String] = []
        if diagonality < minimumDiagonality {
            reasons.append(String(format: "its diagonality is %.2f (< %.2f)", diagonality, minimumDiagonality))
        }
        if let error = medianBoundaryErrorFrames, error > maximumMedianBoundaryError {
            reasons.append(String(format: "its median phoneme-boundary error is %.1f frames (> %.0f)", error,
                                  maximumMedianBoundaryError))
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: " and ")
    }
}
