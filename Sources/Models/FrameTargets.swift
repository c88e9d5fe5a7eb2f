import Foundation

/// Frame-level pitch and energy targets of FastSpeech 2's variance adaptor:
///
/// ```
/// energy[t] = (1/M) Σ_m x[t, m]                          (mean log-mel: loudness)
/// pitch[t]  = log₂(f0[t] / 50 Hz) / log₂ 12   where voiced,  0 where not
/// ```
/// `f0` is the recording's pYIN track (the feature cache's, 50–600 Hz), so a voiced frame's
/// pitch lies in (0, 1] on a log scale and an unvoiced one sits below them all at 0: one
/// value says both whether and how high the voice sounds. Without a recording (utterances
/// made from mels alone) every frame counts as unvoiced.
public struct FrameTargets: Sendable {
    public let pitch: [Float]
    public let energy: [Float]

    /// The lowest F0 of the pitch scale (the pitch tracker's floor).
    public static let lowestF0: Float = 50
    /// Octaves from `lowestF0` to the top of the scale (600 Hz).
    static let range = log2(Float(12))

    public init(_ mel: LogMel, f0: [Float]?) {
        let bands = mel.bands
        energy = (0..<mel.frames).map { t in mel.values[(t * bands)..<(t * bands + bands)].reduce(0, +) / Float(bands) }
        pitch = (0..<mel.frames).map { t in
            guard let f0, t < f0.count, f0[t] > 0 else { return 0 }
            return max(0, log2(f0[t] / Self.lowestF0)) / Self.range
        }
    }

    /// Pitches below this (about 57 Hz) count as unvoiced: a prediction between unvoiced 0
    /// and a voice lands there at voicing boundaries. Only the lowest notes of the deepest
    /// built-in voice (`en+m1`) are that low.
    public static let voicedThreshold: Float = 0.05

    /// The F0 in Hz a pitch value stands for, nil for unvoiced (below ``voicedThreshold``).
    public static func f0(ofPitch pitch: Float) -> Float? {
        pitch < voicedThreshold ? nil : lowestF0 * exp2(pitch * range)
    }
}
