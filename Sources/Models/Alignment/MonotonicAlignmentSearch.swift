import Tensor

/// Monotonic alignment search (Glow-TTS; FastPitch's `mas_width1`): the hard alignment of
/// each utterance, the monotonic path through its `[T, N]` log-probabilities that starts at
/// phoneme 0, ends at phoneme N − 1, advances by 0 or 1 phoneme per frame and has the
/// largest total. A dynamic program in Double, O(T·N) per utterance:
/// ```
/// Q(0, 0) = x(0, 0)
/// Q(t, n) = x(t, n) + max(Q(t−1, n), Q(t−1, n−1))     max(0, N−T+t) ≤ n ≤ min(t, N−1)
/// backtrack from (T−1, N−1), moving to n−1 when Q(t−1, n−1) ≥ Q(t−1, n)
/// ```
/// Only cells from which the path can still reach both ends are filled, so every phoneme
/// gets at least one frame and the durations sum to T.
///
/// The aligner passes the log of its soft attention (FastPitch passes the probabilities
/// themselves; the sum of logs is the path's likelihood).
///
/// - Parameters:
///   - logProbabilities: `[B, T_max, N_max]`; utterance `b` uses `[0..<melLengths[b], 0..<textLengths[b]]`.
/// - Returns: each utterance's durations in frames, one per phoneme.
/// - Throws: ``AlignmentError`` when an utterance has fewer frames than phonemes or its
///   lengths do not fit the tensor.
public func monotonicAlignmentSearch(logProbabilities: Tensor, textLengths: [Int],
                                     melLengths: [Int]) throws(AlignmentError) -> [[Int]] {
    try AlignmentError.check(textLengths: textLengths, melLengths: melLengths, shape: logProbabilities.shape)
    let (maxMel, maxText) = (logProbabilities.shape[1], logProbabilities.shape[2])
    return logProbabilities.withUnsafeBufferPointer { values in
        zip(textLengths, melLengths).enumerated().map { b, lengths in
            let start = b * maxMel * maxText
            return monotonicAlignmentSearch(textLength: lengths.0, melLength: lengths.1) { t, n in
                Double(values[start + t * maxText + n])
            }
        }
    }
}

/// The search of one utterance over `score(t, n)`; `melLength ≥ textLength ≥ 1`.
func monotonicAlignmentSearch(textLength: Int, melLength: Int, score: (Int, Int) -> Double) -> [Int] {
    let (frames, phonemes) = (melLength, textLength)
    // The phonemes frame t may be on with every phoneme keeping a frame.
    func reachable(_ t: Int) -> ClosedRange<Int> { max(0, phonemes - frames + t)...min(t, phonemes - 1) }
    var best = [Double](repeating: -.infinity, count: frames * phonemes)
    best[0] = score(0, 0)
    for t in 1..<frames {
        for n in reachable(t) {
            let stay = best[(t - 1) * phonemes + n]     // −∞ where frame t − 1 cannot be on n
            let advance = n >= 1 ? best[(t - 1) * phonemes + n - 1] : -.infinity
            best[t * phonemes + n] = score(t, n) + max(stay, advance)
        }
    }
    var durations = [Int](repeating: 0, count: phonemes)
    var n = phonemes - 1
    for t in stride(from: frames - 1, to: 0, by: -1) {
        durations[n] += 1
        let previous = reachable(t - 1)
        let mustAdvance = !previous.contains(n)
        let mayAdvance = n >= 1 && previous.contains(n - 1)
        if mustAdvance || (mayAdvance && best[(t - 1) * phonemes + n - 1] >= best[(t - 1) * phonemes + n]) {
            n -= 1
        }
    }
    durations[n] += 1
    return durations
}
