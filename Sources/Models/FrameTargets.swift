import Foundation

/// Frame-level pitch, voicing and energy targets of FastSpeech 2's variance adaptor:
///
/// ```
/// energy[t]      = (1/M) Σ_m x[t, m]                        (mean log-mel: loudness)
/// voicing[t]     = 1 where the recording is voiced, 0 where not
/// pitch[t]       = log₂(f0[t] / 50 Hz) / log₂ 12  where voiced,  0 where not
/// smoothPitch[t] = pitch where voiced; across an unvoiced gap the straight line between
///                  its voiced neighbours, before the first and after the last voiced
///                  frame that frame's pitch (continuous F0, Yu & Young 2011)
/// ```
/// `f0` is the recording's pYIN track (the feature cache's, 50–600 Hz), so a voiced frame's
/// pitch lies in (0, 1] on a log scale and an unvoiced one sits below them all at 0: one
/// value says both whether and how high the voice sounds. With `model.decoder.voicing` the
/// model predicts the two apart instead, `voicing` as a class and `smoothPitch` as a curve
/// with no jumps to 0 at the voicing boundaries. Without a recording (utterances made from
/// mels alone) every frame counts as unvoiced.
public struct FrameTargets: Sendable {
    public let pitch: [Float]
    public let voicing: [Float]
    public let smoothPitch: [Float]
    public let energy: [Float]

    /// The lowest F0 of the pitch scale (the pitch tracker's floor).
    public static let lowestF0: Float = 50
    /// Octaves from `lowestF0` to the top of the scale (600 Hz).
    static let range = log2(Float(12))

    public init(_ mel: LogMel, f0: [Float]?) {
        let bands = mel.bands
        energy = (0..<mel.frames).map { t in mel.values[(t * bands)..<(t * bands + bands)].reduce(0, +) / Float(bands) }
        let voiced = (0..<mel.frames).map { t in f0.map { t < $0.count && $0[t] > 0 } ?? false }
        voicing = voiced.map { $0 ? 1 : 0 }
        pitch = (0..<mel.frames).map { t in voiced[t] ? Self.pitch(ofF0: f0![t]) : 0 }
        smoothPitch = Self.bridgingGaps(pitch, voiced: voicing)
    }

    /// `values` where `voiced`, linear across the gaps between voiced frames and held at the
    /// ends; all zero when no frame is voiced.
    static func bridgingGaps(_ values: [Float], voiced: [Float]) -> [Float] {
        let anchors = voiced.indices.filter { voiced[$0] > 0 }
        guard let first = anchors.first, let last = anchors.last else { return values }
        var out = values
        for t in 0..<first { out[t] = values[first] }
        for t in (last + 1)..<values.count { out[t] = values[last] }
        for (a, b) in zip(anchors, anchors.dropFirst()) where b > a + 1 {
            for t in (a + 1)..<b {
                out[t] = values[a] + (values[b] - values[a]) * Float(t - a) / Float(b - a)
            }
        }
        return out
    }

    /// Pitches below this (about 57 Hz) count as unvoiced: a prediction between unvoiced 0
    /// and a voice lands there at voicing boundaries. Only the lowest notes of the deepest
    /// built-in voice (`en+m1`) are that low.
    public static let voicedThreshold: Float = 0.05

    /// The pitch value of an F0 in Hz (0 at or below ``lowestF0``).
    public static func pitch(ofF0 f0: Float) -> Float {
        max(0, log2(f0 / lowestF0)) / range
    }

    /// The F0 in Hz a pitch value stands for, nil for unvoiced (below ``voicedThreshold``).
    public static func f0(ofPitch pitch: Float) -> Float? {
        pitch < voicedThreshold ? nil : lowestF0 * exp2(pitch * range)
    }
}
