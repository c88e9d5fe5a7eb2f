import Foundation

/// The mel scale mapping hertz to perceived pitch.
public enum MelScale: String, Sendable, CaseIterable {
    /// Slaney's Auditory Toolbox scale (librosa's default): linear below 1 kHz,
    /// `mel = 3f/200`, logarithmic above, `mel = 15 + 27·ln(f/1000)/ln(6.4)`.
    case slaney
    /// The HTK scale: `mel = 2595·log10(1 + f/700)`.
    case htk

    public func mel(fromHz hz: Double) -> Double {
        switch self {
        case .htk: return 2595 * log10(1 + hz / 700)
        case .slaney:
            let linear = hz / (200.0 / 3)
            return hz < 1000 ? linear : 15 + log(hz / 1000) / (log(6.4) / 27)
        }
    }

    public func hz(fromMel mel: Double) -> Double {
        switch self {
        case .htk: return 700 * (pow(10, mel / 2595) - 1)
        case .slaney:
            return mel < 15 ? mel * 200 / 3 : 1000 * exp((log(6.4) / 27) * (mel - 15))
        }
    }
}

/// How each triangular mel filter is scaled.
public enum MelNorm: String, Sendable, CaseIterable {
    /// Divide each triangle by its width in hertz (times 2), so every band has about equal
    /// energy: `2 / (f[m+2] - f[m])` (librosa's `norm="slaney"`, the default).
    case slaney
    /// Peak 1 for every triangle.
    case none
}

/// A bank of triangular filters mapping `n_fft/2 + 1` linear frequency bins to `n_mels` mel
/// bands, exactly as librosa.filters.mel (computed in double precision, stored as Float).
///
/// With `n_mels + 2` frequencies `f[m]` equally spaced on the mel scale from `fmin` to `fmax`
/// and bin frequencies `b[k] = k·sr/n_fft`, filter `m` is
///
///     W[m, k] = max(0, min((b[k] - f[m]) / (f[m+1] - f[m]), (f[m+2] - b[k]) / (f[m+2] - f[m+1])))
///
/// times the `MelNorm` factor. A filter with no bin strictly between `f[m]` and `f[m+2]` would
/// be all zeros (a band that is always silent; librosa warns "Empty filters detected"): such
/// parameters are refused, with the largest `n_mels` that has none.
public struct MelFilterbank: Sendable, Equatable {
    public let sampleRate: Int
    public let nFFT: Int
    public let nMels: Int
    public let fmin: Double
    public let fmax: Double
    public let scale: MelScale
    public let norm: MelNorm
    /// `n_mels × (n_fft/2 + 1)`, row-major.
    public let weights: [Float]
    public var bins: Int { nFFT / 2 + 1 }
    /// The bins where each filter is non-zero (a filter spans two neighbouring bands, so all
    /// of them together cover each bin about twice: ~1,000 weights instead of 41,000 for 80
    /// mels at n_fft 1024).
    public let supports: [Range<Int>]

    /// - Parameters: as librosa.filters.mel; `fmax` defaults to `sampleRate / 2`.
    public init(sampleRate: Int, nFFT: Int, nMels: Int = 128, fmin: Double = 0, fmax: Double? = nil,
                scale: MelScale = .slaney, norm: MelNorm = .slaney) throws {
        let fmax = fmax ?? Double(sampleRate) / 2
        try AudioError.require(sampleRate > 0, "sample_rate", sampleRate, "must be positive")
        try STFT.requireFFTSize(nFFT)
        try AudioError.require(nMels >= 1, "n_mels", nMels, "must be at least 1")
        try AudioError.require(fmin >= 0, "fmin", fmin, "must be at least 0 Hz")
        try AudioError.require(fmax <= Double(sampleRate) / 2, "fmax", fmax,
                               "must be at most sample_rate/2=\(Double(sampleRate) / 2) Hz")
        try AudioError.require(fmax > fmin, "fmax", fmax, "must be above fmin=\(fmin) Hz")
        if Self.hasEmptyBands(sampleRate: sampleRate, nFFT: nFFT, nMels: nMels, fmin: fmin, fmax: fmax, scale: scale) {
            let fix = Self.largestNMels(sampleRate: sampleRate, nFFT: nFFT, fmin: fmin, fmax: fmax, scale: scale)
                .map { "use n_mels at most \($0), a larger n_fft or a wider fmin-fmax range" }
                ?? "use a larger n_fft or a wider fmin-fmax range"
            throw AudioError.invalidParameter("n_mels", nMels, "some mel bands would be empty (no FFT bin "
                + "between their edges, so always silent) at n_fft=\(nFFT), sample_rate=\(sampleRate) Hz, "
                + "fmin=\(fmin) Hz, fmax=\(fmax) Hz; \(fix)")
        }
        self.sampleRate = sampleRate; self.nFFT = nFFT; self.nMels = nMels
        self.fmin = fmin; self.fmax = fmax; self.scale = scale; self.norm = norm

        let bins = nFFT / 2 + 1
        let edges = Self.edges(nMels: nMels, fmin: fmin, fmax: fmax, scale: scale)
        let binHz = (0..<bins).map { Self.binHz($0, sampleRate: sampleRate, nFFT: nFFT) }
        var weights = [Float](repeating: 0, count: nMels * bins)
        for m in 0..<nMels {
            let (left, mid, right) = (edges[m], edges[m + 1], edges[m + 2])
            let gain = norm == .slaney ? 2 / (right - left) : 1
            for k in 0..<bins {
                let rising = (binHz[k] - left) / (mid - left)
                let falling = (right - binHz[k]) / (right - mid)
                weights[m * bins + k] = Float(max(0, min(rising, falling)) * gain)
            }
        }
        self.weights = weights
        supports = (0..<nMels).map { m in
            let row = weights[(m * bins)..<((m + 1) * bins)]
            guard let first = row.firstIndex(where: { $0 != 0 }),
                  let last = row.lastIndex(where: { $0 != 0 }) else { return 0..<0 }
            return (first - m * bins)..<(last - m * bins + 1)
        }
    }

    /// Centre frequencies in hertz of the `n_mels` bands (librosa.mel_frequencies without the
    /// two outer edges).
    public var centerFrequencies: [Double] {
        Array(Self.edges(nMels: nMels, fmin: fmin, fmax: fmax, scale: scale)[1...nMels])
    }

    /// The largest `n_mels` whose bands are all non-empty at these settings, or nil when even
    /// one band is empty (an fmin-fmax range narrower than the bin spacing).
    public static func largestNMels(sampleRate: Int, nFFT: Int, fmin: Double, fmax: Double,
                                    scale: MelScale = .slaney) -> Int? {
        func fits(_ nMels: Int) -> Bool {
            !hasEmptyBands(sampleRate: sampleRate, nFFT: nFFT, nMels: nMels, fmin: fmin, fmax: fmax, scale: scale)
        }
        guard fits(1) else { return nil }
        var (good, bad) = (1, 2 * (nFFT / 2 + 1) + 1)  // `bad` always has an empty band
        while bad - good > 1 {
            let middle = (good + bad) / 2
            if fits(middle) { good = middle } else { bad = middle }
        }
        return good
    }

    /// The `n_mels + 2` band edges `f[m]` in hertz, equally spaced in mel from `fmin` to `fmax`:
    /// band m rises from f[m] to its peak at f[m+1] and falls to f[m+2].
    public static func edges(nMels: Int, fmin: Double, fmax: Double, scale: MelScale) -> [Double] {
        let lo = scale.mel(fromHz: fmin), hi = scale.mel(fromHz: fmax)
        return (0..<(nMels + 2)).map { scale.hz(fromMel: lo + (hi - lo) * Double($0) / Double(nMels + 1)) }
    }

    /// The frequency of FFT bin `k`, `k·sr/n_fft`.
    static func binHz(_ k: Int, sampleRate: Int, nFFT: Int) -> Double {
        Double(k) * Double(sampleRate) / Double(nFFT)
    }

    /// Whether some band has no bin strictly between its outer edges, found from the edges
    /// alone (no weights are built, so an absurd `n_mels` costs no memory).
    static func hasEmptyBands(sampleRate: Int, nFFT: Int, nMels: Int, fmin: Double, fmax: Double,
                              scale: MelScale) -> Bool {
        let bins = nFFT / 2 + 1
        // A bin lies strictly inside at most two bands, so more than 2·bins leave one empty.
        if nMels > 2 * bins { return true }
        let edges = edges(nMels: nMels, fmin: fmin, fmax: fmax, scale: scale)
        return (0..<nMels).contains { m in
            // The first bin above the left edge, then whether it is below the right one.
            var k = max(0, Int(edges[m] * Double(nFFT) / Double(sampleRate)) - 1)
            while k < bins && binHz(k, sampleRate: sampleRate, nFFT: nFFT) <= edges[m] { k += 1 }
            return k >= bins || binHz(k, sampleRate: sampleRate, nFFT: nFFT) >= edges[m + 2]
        }
    }
}
