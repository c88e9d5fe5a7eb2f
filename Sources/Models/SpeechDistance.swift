import Audio
import Foundation

/// How far a synthesised waveform is from its target, measured as a listener would meet it:
/// after the vocoder, on the waveform re-analysed into the model's own log-mel.
///
///     MCD      = MelCepstralDistortion(logMel(output), target log-mel)      (DTW, 24 coefficients)
///     F0, V/UV = F0Comparison(pYIN(output), pYIN(target recording), along that DTW path)
///
/// pYIN as ``MelSettings/pitchTracker(sampleRate:)`` sets it up, the tracker that gives the
/// models their pitch targets.
public struct SpeechDistance: Sendable {
    /// The MCD of the re-analysed output against the target log-mel, with its DTW path.
    public let mcd: MelCepstralDistortion.Result
    /// Pitch and voicing against the target recording; nil when there was none.
    public let f0: F0Comparison?
}

extension MelFormat {
    /// The pitch tracker of evaluation (see ``SpeechDistance``), the features' own.
    public func pitchTracker() throws -> PYIN { try settings.pitchTracker(sampleRate: sampleRate) }

    /// `output` (samples at ``sampleRate``) against `target` (its log-mel) and, for F0,
    /// the target's recording.
    public func distance(of output: [Float], from target: LogMel, recording: [Float]?) throws -> SpeechDistance {
        let pyin = try pitchTracker()
        return try distance(of: output, from: target, recordingPitch: recording.map { try pyin.track($0) }, tracker: pyin)
    }

    /// The same with the recording's pitch already tracked (by `tracker`), for several
    /// outputs measured against one recording.
    public func distance(of output: [Float], from target: LogMel, recordingPitch: PitchTrack?,
                         tracker: PYIN) throws -> SpeechDistance {
        let mcd = try cepstralDistortion()(logMel(output).spectrogram, target.spectrogram)
        guard let recordingPitch else { return SpeechDistance(mcd: mcd, f0: nil) }
        let f0 = try F0Comparison(prediction: tracker.track(output), target: recordingPitch, pairs: mcd.path)
        return SpeechDistance(mcd: mcd, f0: f0)
    }

    /// The MCD of evaluation: c₁–c₂₄, or c₁–c_{N−1} for a mel of N ≤ 24 bands (test models).
    public func cepstralDistortion() throws -> MelCepstralDistortion {
        try MelCepstralDistortion(coefficients: min(24, nMels - 1))
    }

    /// Milliseconds per mel frame.
    public var millisecondsPerFrame: Double { 1000 * Double(settings.hopLength) / Double(sampleRate) }
}
