import Foundation
import Tensor

/// A voice's typical pitch read from a log-mel alone, by a harmonic sieve: each frame is
/// matched against the harmonic comb (``HarmonicComb``) of every candidate F0, and the
/// median of the loudest frames' best candidates is the voice's level, on the pitch scale of
/// ``FrameTargets``:
///
/// ```
/// score(t, c) = corr(x[t, 0..<B], comb(c)[0..<B])     x: log-mel, B: the bands below 1.5 kHz
/// level       = median_t∈loud pitch(argmax_c score(t, c))
/// ```
/// A comb at half the true F0 lights the bands between the harmonics too, which are dark in
/// the mel, so the sieve prefers the true F0 over its subharmonics. Reading the mel rather
/// than the recording keeps training (corpus references) and synthesis (any reference, even
/// a mel) on one estimate: the model learns pitch relative to exactly what it will be given.
///
/// Against librosa.pyin's median F0 of the recording (three utterances of each of the first 24
/// built-in voices, 128 bands; 2026-12-07): within a semitone for 53 of 71, within two for 61.
/// Voices below 95 Hz read 2–3 semitones high and the two deepest (72 and 78 Hz) an octave or
/// more: steady for a voice, which is what a level to be relative to needs, but not a tracker.
struct ReferencePitch: Sendable {
    /// Candidate pitches (quarter semitones from 60 to 400 Hz).
    let candidates: [Float]
    /// Each candidate's comb on the first `bands` bands, centred and scaled to unit norm,
    /// `[bands, candidates]` (so that frames × it is every score at once).
    let combs: Tensor
    let bands: Int

    /// Where the sieve looks: the low bands, where a voice's harmonics are resolved.
    static let topHz = 1500.0

    init(features: MelFormat) {
        let comb = HarmonicComb(features: features)
        bands = max(2, comb.edges.dropFirst(2).prefix { $0 <= Self.topHz }.count)
        let lowest = FrameTargets.pitch(ofF0: 60), highest = FrameTargets.pitch(ofF0: 400)
        let step = 1 / (48 * FrameTargets.range)                 // a quarter semitone
        candidates = Array(stride(from: lowest, through: highest, by: step))
        let all = comb(candidates)
        var columns = [Float](repeating: 0, count: bands * candidates.count)
        for c in candidates.indices {
            let row = Self.standardized(all[(c * comb.bands)..<(c * comb.bands + bands)])
            for m in 0..<bands { columns[m * candidates.count + c] = row[m] }
        }
        combs = Tensor(columns, shape: [bands, candidates.count])
    }

    /// The level of a mel with no frame to read: 150 Hz, between the voices.
    static let neutral = FrameTargets.pitch(ofF0: 150)

    /// The voice's level on the pitch scale (``neutral`` for a mel without frames).
    func callAsFunction(_ mel: LogMel) -> Float {
        guard mel.frames > 0, mel.bands >= bands else { return Self.neutral }
        // The louder half of the frames: speech rather than pauses and breaths.
        let loudness = (0..<mel.frames).map { t in mel.values[(t * mel.bands)..<(t * mel.bands + mel.bands)].reduce(0, +) }
        let threshold = loudness.median!
        let loud = (0..<mel.frames).filter { loudness[$0] >= threshold }
        var rows = [Float](); rows.reserveCapacity(loud.count * bands)
        for t in loud { rows += Self.standardized(mel.values[(t * mel.bands)..<(t * mel.bands + bands)]) }
        let scores = matmul(Tensor(rows, shape: [loud.count, bands]), combs).scalars
        let n = candidates.count
        let best = loud.indices.map { i in
            let row = scores[(i * n)..<(i * n + n)]
            return candidates[row.indices.max { row[$0] < row[$1] }! - i * n]
        }
        return best.median!
    }

    /// The levels of a batch's references `[B, R, n_mels]` (their real frames by `mask`
    /// `[B, R]`), `[B, 1, 1]`.
    func levels(_ references: Tensor, mask: Tensor) -> Tensor {
        let (b, r, m) = (references.shape[0], references.shape[1], references.shape[2])
        let values = references.scalars, real = mask.scalars
        let levels = (0..<b).map { i in
            let frames = Int(real[(i * r)..<(i * r + r)].reduce(0, +))
            return self(LogMel(frames: frames, bands: m, values: Array(values[(i * r * m)..<(i * r * m + frames * m)])))
        }
        return Tensor(levels, shape: [b, 1, 1])
    }

    /// `values` minus their mean, scaled to unit norm (all zeros if they are constant).
    private static func standardized(_ values: ArraySlice<Float>) -> [Float] {
        let mean = values.reduce(0, +) / Float(values.count)
        let centred = values.map { $0 - mean }
        let norm = centred.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? centred.map { $0 / norm } : centred
    }
}
