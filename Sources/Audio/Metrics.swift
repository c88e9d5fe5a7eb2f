import Foundation

/// Distances between a predicted and a reference spectrogram, for evaluating synthesis.
/// Each throws if the shapes differ (MCD excepted: it aligns frames by DTW).
public enum SpectralMetrics {
    /// Mean absolute difference, `(1/N) Σ |P - T|`, usually on log-mel spectrograms
    /// (`Spectrogram.logClamped`), where it is the L1 loss TTS models train on.
    public static func melL1(_ prediction: Spectrogram, _ target: Spectrogram) throws -> Double {
        try requireSameShape(prediction, target, "mel L1")
        var sum = 0.0
        for i in target.values.indices { sum += Double(abs(prediction.values[i] - target.values[i])) }
        return sum / Double(max(1, target.values.count))
    }

    /// Spectral convergence on magnitudes, `‖|T| - |P|‖_F / ‖|T|‖_F` (0 is a perfect match;
    /// Arık et al. 2019). Used to judge Griffin-Lim.
    public static func spectralConvergence(_ prediction: Spectrogram, _ target: Spectrogram) throws -> Double {
        try requireSameShape(prediction, target, "spectral convergence")
        var diff = 0.0, norm = 0.0
        for i in target.values.indices {
            let t = Double(target.values[i]), d = t - Double(prediction.values[i])
            diff += d * d; norm += t * t
        }
        return norm == 0 ? (diff == 0 ? 0 : .infinity) : (diff / norm).squareRoot()
    }

    /// Log-spectral distance in dB on power spectrograms, the per-frame RMS of the dB
    /// difference averaged over frames:
    ///
    ///     LSD = (1/T) Σ_t sqrt( (1/K) Σ_k (10·log10((T[k,t] + ε) / (P[k,t] + ε)))² ),  ε = 1e-10
    public static func logSpectralDistance(_ prediction: Spectrogram, _ target: Spectrogram) throws -> Double {
        try requireSameShape(prediction, target, "log-spectral distance")
        let eps = 1e-10
        var total = 0.0
        for t in 0..<target.frames {
            var sum = 0.0
            for k in 0..<target.rows {
                let d = 10 * log10((Double(target[k, t]) + eps) / (Double(prediction[k, t]) + eps))
                sum += d * d
            }
            total += (sum / Double(target.rows)).squareRoot()
        }
        return total / Double(max(1, target.frames))
    }

    /// Mel-cepstral distortion in dB between two mel power spectrograms (any frame counts,
    /// same bands), after aligning their frames by dynamic time warping.
    ///
    /// Cepstra: `c_d = sqrt(2/N) Σ_n ln(sqrt(max(M[n], 1e-10)))·cos(π d (n + ½)/N)`, the
    /// orthonormal DCT-II of the log mel amplitude, for `d = 1 ..< coefficients` (c₀, the
    /// loudness, is left out as usual). Per aligned frame pair:
    ///
    ///     MCD = (10 / ln 10) · sqrt(2 Σ_d (c_d - c'_d)²)
    ///
    /// DTW (steps (1,0), (0,1), (1,1), cost = the Euclidean cepstral distance) finds the
    /// alignment of least total cost; the result is the mean MCD along that path.
    public static func melCepstralDistortion(_ prediction: Spectrogram, _ target: Spectrogram,
                                             coefficients: Int = 13) throws -> Double {
        guard prediction.rows == target.rows, prediction.frames > 0, target.frames > 0 else {
            throw AudioError("MCD needs two non-empty mel spectrograms with the same bands, got \(prediction.rows)×\(prediction.frames) and \(target.rows)×\(target.frames)")
        }
        try AudioError.require(coefficients >= 2 && coefficients <= target.rows, "coefficients",
                               coefficients, "must be between 2 and n_mels=\(target.rows)")
        let p = cepstra(prediction, coefficients), t = cepstra(target, coefficients)
        let dims = coefficients - 1
        let (rows, cols) = (prediction.frames, target.frames)
        func distance(_ i: Int, _ j: Int) -> Double {
            var sum = 0.0
            for d in 0..<dims { let x = p[i * dims + d] - t[j * dims + d]; sum += x * x }
            return sum.squareRoot()
        }
        // Accumulated cost, then walk back from the end along the cheapest predecessors.
        var cost = [Double](repeating: .infinity, count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols {
                let best = i == 0 && j == 0 ? 0 : min(i > 0 ? cost[(i - 1) * cols + j] : .infinity,
                                                      j > 0 ? cost[i * cols + j - 1] : .infinity,
                                                      i > 0 && j > 0 ? cost[(i - 1) * cols + j - 1] : .infinity)
                cost[i * cols + j] = best + distance(i, j)
            }
        }
        var (i, j) = (rows - 1, cols - 1)
        var sum = distance(i, j), steps = 1
        while i > 0 || j > 0 {
            let diagonal = i > 0 && j > 0 ? cost[(i - 1) * cols + j - 1] : .infinity
            let up = i > 0 ? cost[(i - 1) * cols + j] : .infinity
            let left = j > 0 ? cost[i * cols + j - 1] : .infinity
            if diagonal <= up && diagonal <= left { i -= 1; j -= 1 } else if up <= left { i -= 1 } else { j -= 1 }
            sum += distance(i, j); steps += 1
        }
        return 10 / log(10) * 2.0.squareRoot() * sum / Double(steps)
    }

    /// `frames × (coefficients-1)` mel cepstra c₁… of a mel power spectrogram.
    private static func cepstra(_ mel: Spectrogram, _ coefficients: Int) -> [Double] {
        let n = mel.rows, dims = coefficients - 1
        var out = [Double](repeating: 0, count: mel.frames * dims)
        for t in 0..<mel.frames {
            for d in 1..<coefficients {
                var sum = 0.0
                for m in 0..<n {
                    let amplitude = 0.5 * log(max(Double(mel[m, t]), 1e-10))
                    sum += amplitude * cos(Double.pi * Double(d) * (Double(m) + 0.5) / Double(n))
                }
                out[t * dims + d - 1] = sum * (2 / Double(n)).squareRoot()
            }
        }
        return out
    }

    private static func requireSameShape(_ a: Spectrogram, _ b: Spectrogram, _ metric: String) throws {
        guard a.rows == b.rows, a.frames == b.frames else {
            throw AudioError("\(metric) needs spectrograms of the same shape, got prediction \(a.rows)×\(a.frames) and target \(b.rows)×\(b.frames)")
        }
    }
}
