import Foundation

/// Distances between a predicted and a reference spectrogram, for evaluating synthesis.
/// Each throws if the shapes differ; ``MelCepstralDistortion`` compares any lengths (DTW).
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

    private static func requireSameShape(_ a: Spectrogram, _ b: Spectrogram, _ metric: String) throws {
        guard a.rows == b.rows, a.frames == b.frames else {
            throw AudioError("\(metric) needs spectrograms of the same shape, got prediction \(a.rows)×\(a.frames) and target \(b.rows)×\(b.frames)")
        }
    }
}
