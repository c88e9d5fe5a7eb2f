import Foundation

/// Mel-cepstral distortion (Kubichek 1993) in dB, computed the way published TTS figures are,
/// so that FunAudio's numbers can be read against them (issue 17): 24 cepstral coefficients
/// without the energy term, silence trimmed, frames aligned by dynamic time warping.
///
/// Inputs are natural-log mel spectrograms (`x[n, t] = ln M[n, t]`, N bands, band-major): the
/// features FunAudio trains on, or `ln` of any mel magnitude. Per frame, the cepstrum is the
/// orthonormal DCT-II of the log mel (scipy's `dct(x, type=2, norm="ortho")`):
///
///     c_d(t) = sqrt(2/N) Σ_{n<N} x[n, t]·cos(π d (n + ½) / N),   d = 1 ... D  (D = 24)
///
/// c₀ (the loudness) is left out. **Silence trimming**: a frame's level is its loudest band,
/// `L(t) = 20·log10(max_n M[n, t])`; leading and trailing frames with
/// `L(t) < max_t L(t) − trimDB` (default 40 dB) are dropped from each spectrogram before
/// alignment (pauses inside the utterance stay; the warping absorbs them). **Alignment**:
/// ``DynamicTimeWarping`` on the Euclidean distance of cepstra, `δ(i, j) = ‖c(i) − c'(j)‖`.
/// Along its path P of |P| frame pairs:
///
///     MCD = (10 / ln 10) · sqrt(2) · (1/|P|) Σ_{(i,j)∈P} δ(i, j)        dB
///
/// which is the mean of the per-frame `(10/ln 10)·sqrt(2 Σ_d (c_d − c'_d)²)`. Identical inputs
/// give 0; the figure is symmetric in its arguments up to DTW's tie-breaking.
public struct MelCepstralDistortion: Sendable {
    /// D: coefficients c₁ … c_D (24, the usual figure).
    public let coefficients: Int
    /// Edge frames more than this many dB below the loudest frame are trimmed; nil keeps all.
    public let trimDB: Double?

    public init(coefficients: Int = 24, trimDB: Double? = 40) throws {
        try AudioError.require(coefficients >= 1, "coefficients", coefficients, "must be at least 1")
        try AudioError.require(trimDB.map { $0 > 0 } ?? true, "trim_db", trimDB as Any, "must be positive (or nil to keep all frames)")
        self.coefficients = coefficients
        self.trimDB = trimDB
    }

    /// The distortion and how it was measured: the frames each side kept and the frame pairs
    /// DTW matched (frame numbers of the untrimmed inputs), for F0 measures along the same path.
    public struct Result: Sendable, Equatable {
        public let decibels: Double
        public let predictionFrames: Range<Int>
        public let targetFrames: Range<Int>
        public let path: [FramePair]
    }

    /// MCD of `prediction` against `target`, natural-log mels with the same bands, any lengths.
    public func callAsFunction(_ prediction: Spectrogram, _ target: Spectrogram) throws -> Result {
        guard prediction.rows == target.rows, prediction.frames > 0, target.frames > 0 else {
            throw AudioError("MCD needs two non-empty log-mel spectrograms with the same bands, got \(prediction.rows)×\(prediction.frames) and \(target.rows)×\(target.frames)")
        }
        try AudioError.require(coefficients < target.rows, "coefficients", coefficients,
                               "must be below the number of mel bands (\(target.rows))")
        let kept = (trimmed(prediction), trimmed(target))
        let p = cepstra(prediction, frames: kept.0), t = cepstra(target, frames: kept.1)
        let d = coefficients
        let path = DynamicTimeWarping.path(rows: kept.0.count, columns: kept.1.count) { i, j in
            var sum = 0.0
            for k in 0..<d { let x = p[i * d + k] - t[j * d + k]; sum += x * x }
            return sum.squareRoot()
        }
        var total = 0.0
        for step in path.pairs {
            var sum = 0.0
            for k in 0..<d { let x = p[step.prediction * d + k] - t[step.target * d + k]; sum += x * x }
            total += sum.squareRoot()
        }
        let pairs = path.pairs.map { FramePair(prediction: $0.prediction + kept.0.lowerBound, target: $0.target + kept.1.lowerBound) }
        return Result(decibels: 10 / log(10) * 2.0.squareRoot() * total / Double(pairs.count),
                      predictionFrames: kept.0, targetFrames: kept.1, path: pairs)
    }

    /// The frames left after trimming the silent ends (by the rule in the type's documentation).
    public func trimmed(_ logMel: Spectrogram) -> Range<Int> {
        guard let trimDB else { return 0..<logMel.frames }
        var loudest = [Double](repeating: -.infinity, count: logMel.frames)
        for n in 0..<logMel.rows {
            for t in 0..<logMel.frames { loudest[t] = max(loudest[t], Double(logMel[n, t])) }
        }
        // ln M → dB: 20·log10(M) = (20 / ln 10)·ln M.
        let threshold = loudest.max()! - trimDB * log(10) / 20
        let first = loudest.firstIndex { $0 >= threshold }!, last = loudest.lastIndex { $0 >= threshold }!
        return first..<(last + 1)
    }

    /// `frames.count × coefficients` cepstra c₁ … c_D of the given frames, frame-major.
    public func cepstra(_ logMel: Spectrogram, frames: Range<Int>) -> [Double] {
        let n = logMel.rows, d = coefficients
        var basis = [Double](repeating: 0, count: d * n)
        for k in 0..<d {
            for m in 0..<n { basis[k * n + m] = (2 / Double(n)).squareRoot() * cos(Double.pi * Double(k + 1) * (Double(m) + 0.5) / Double(n)) }
        }
        var out = [Double](repeating: 0, count: frames.count * d)
        for (row, t) in frames.enumerated() {
            for k in 0..<d {
                var sum = 0.0
                for m in 0..<n { sum += basis[k * n + m] * Double(logMel[m, t]) }
                out[row * d + k] = sum
            }
        }
        return out
    }
}

/// Frame `prediction` of one sequence matched with frame `target` of another.
public struct FramePair: Sendable, Equatable {
    public let prediction: Int
    public let target: Int
    public init(prediction: Int, target: Int) { self.prediction = prediction; self.target = target }
}

/// Dynamic time warping as `librosa.sequence.dtw` does it by default (steps (1,1), (0,1),
/// (1,0), all of weight 1; the path runs from (0,0) to the last frame of both):
///
///     D(i, j) = δ(i, j) + min(D(i−1, j−1), D(i, j−1), D(i−1, j)),   D(0, 0) = δ(0, 0)
///
/// then back from the end along the predecessor that gave each minimum (ties: diagonal, then
/// (i, j−1), then (i−1, j), librosa's order).
public enum DynamicTimeWarping {
    /// The path of least accumulated `distance(i, j)`, from (0, 0) to (rows−1, columns−1).
    public static func path(rows: Int, columns: Int, distance: (Int, Int) -> Double) -> (pairs: [FramePair], cost: Double) {
        precondition(rows > 0 && columns > 0, "DTW needs two non-empty sequences")
        var cost = [Double](repeating: .infinity, count: rows * columns)
        // 0: diagonal, 1: from (i, j−1), 2: from (i−1, j)
        var step = [UInt8](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                var best = i == 0 && j == 0 ? 0 : Double.infinity, from: UInt8 = 0
                if i > 0 && j > 0, cost[(i - 1) * columns + j - 1] < best { best = cost[(i - 1) * columns + j - 1]; from = 0 }
                if j > 0, cost[i * columns + j - 1] < best { best = cost[i * columns + j - 1]; from = 1 }
                if i > 0, cost[(i - 1) * columns + j] < best { best = cost[(i - 1) * columns + j]; from = 2 }
                cost[i * columns + j] = best + distance(i, j)
                step[i * columns + j] = from
            }
        }
        var (i, j) = (rows - 1, columns - 1)
        var pairs = [FramePair(prediction: i, target: j)]
        while i > 0 || j > 0 {
            switch step[i * columns + j] {
            case 0: i -= 1; j -= 1
            case 1: j -= 1
            default: i -= 1
            }
            pairs.append(FramePair(prediction: i, target: j))
        }
        return (pairs.reversed(), cost[rows * columns - 1])
    }
}
