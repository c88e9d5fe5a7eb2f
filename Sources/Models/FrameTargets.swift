import Foundation

/// Frame-level pitch and energy targets computed from the log-mel itself (no extra
/// features to cache, nothing to align). Both are cheap proxies, documented as such:
///
/// ```
/// energy[t] = (1/M) Σ_m x[t, m]                          (mean log-mel: loudness)
/// pitch[t]  = Σ_{m<M/4} m·p[t, m] / Σ_{m<M/4} p[t, m] / (M/4),   p = exp(x)
/// ```
/// `pitch` is the power centroid of the lowest quarter of the mel bands, in [0, 1]: the
/// band region where F0 and its first harmonics lie, so it rises and falls with the voice's
/// pitch (and with the first formant); it is not an F0 estimate in Hz.
public struct FrameTargets: Sendable {
    public let pitch: [Float]
    public let energy: [Float]

    public init(_ mel: LogMel) {
        let bands = mel.bands, low = max(1, bands / 4)
        var pitch = [Float](repeating: 0, count: mel.frames), energy = pitch
        for t in 0..<mel.frames {
            let row = mel.values[(t * bands)..<(t * bands + bands)]
            energy[t] = row.reduce(0, +) / Float(bands)
            var weighted: Float = 0, total: Float = 0
            for m in 0..<low {
                let p = exp(row[row.startIndex + m])
                weighted += Float(m) * p
                total += p
            }
            pitch[t] = total > 0 ? weighted / total / Float(low) : 0
        }
        self.pitch = pitch
        self.energy = energy
    }
}
