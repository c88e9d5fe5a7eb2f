import Foundation

/// A voiced/unvoiced decision from YIN's own by-products, so that the target and a vocoder's
/// output are judged by the same simple rule (pYIN's HMM would be more robust but is heavy):
///
///     voiced(t)  ⇔  aperiodicity(t) < aperiodicityThreshold  ∧  rms(t) ≥ rmsFloor
///
/// The aperiodicity d'(τ) is near 0 for periodic frames and near 1 for noise; the energy
/// floor is needed because digital silence has d' = 0 (0 / (0 + tiny)), which would
/// otherwise count as perfectly periodic.
public struct VoicingRule: Sendable, Equatable {
    /// Frames at or above this d'(τ) are unvoiced (default 0.25: voiced speech frames sit
    /// mostly below 0.2, white noise well above 0.5).
    public var aperiodicityThreshold: Float
    /// Frames quieter than this RMS are unvoiced (default 1e-3, -60 dBFS).
    public var rmsFloor: Float

    public init(aperiodicityThreshold: Float = 0.25, rmsFloor: Float = 1e-3) {
        self.aperiodicityThreshold = aperiodicityThreshold
        self.rmsFloor = rmsFloor
    }

    public func isVoiced(aperiodicity: Float, rms: Float) -> Bool {
        aperiodicity < aperiodicityThreshold && rms >= rmsFloor
    }
}

/// Pitch errors of a prediction against a target (issues 12, 17: judging any vocoder or
/// acoustic model by its F0), frame by frame over the first `frames` = min of the two
/// lengths, or over the frame pairs of a DTW path when the two differ in timing (a
/// synthesised sentence against its recording: ``MelCepstralDistortion/Result/path``, the
/// pitch tracks having the mel's hop). With t running over the pairs, V = voiced in both,
/// `vT`/`vP` the voicing of target/prediction:
///
///     F0 RMSE (Hz)    = sqrt( (1/|V|) Σ_{t∈V} (f0P(t) - f0T(t))² )
///     F0 RMSE (cents) = sqrt( (1/|V|) Σ_{t∈V} (1200·log2(f0P(t)/f0T(t)))² )
///     V/UV error      = (1/frames) Σ_t [vP(t) ≠ vT(t)]
///     V/UV F1         = 2·TP / (2·TP + FP + FN)   (voiced is the positive class)
///     periodicity RMSE = sqrt( (1/frames) Σ_t (pP(t) - pT(t))² ),  p = 1 - min(d'(τ), 1)
///
/// The periodicity is YIN's (one minus the clamped aperiodicity), over all frames; CARGAN
/// and Vocos use torchcrepe's periodicity instead, so values are comparable only within
/// this toolkit. The RMSEs are NaN when no frame is voiced in both; F1 is 1 when neither
/// signal has a voiced frame (they agree everywhere).
public struct F0Comparison: Sendable, Equatable {
    public let frames: Int
    /// |V|, the frames voiced in both.
    public let bothVoiced: Int
    public let rmseHz: Double
    public let rmseCents: Double
    public let voicingErrorRate: Double
    public let voicingF1: Double
    public let periodicityRMSE: Double

    public init(prediction: PitchTrack, target: PitchTrack, voicing: VoicingRule = VoicingRule()) throws {
        let frames = min(prediction.frames, target.frames)
        try self.init(prediction: prediction, target: target,
                      pairs: (0..<frames).map { FramePair(prediction: $0, target: $0) }, voicing: voicing)
    }

    /// Compares the frames that `pairs` match (pairs beyond either track's end are skipped:
    /// a path measured on mels may run a frame past a re-analysed waveform).
    public init(prediction: PitchTrack, target: PitchTrack, pairs: [FramePair], voicing: VoicingRule = VoicingRule()) throws {
        let pairs = pairs.filter { $0.prediction >= 0 && $0.prediction < prediction.frames && $0.target >= 0 && $0.target < target.frames }
        let frames = pairs.count
        guard frames > 0 else {
            throw AudioError("F0 comparison needs non-empty pitch tracks, got \(prediction.frames) prediction and \(target.frames) target frames")
        }
        let vP = prediction.voiced(by: voicing), vT = target.voiced(by: voicing)
        var both = 0, fp = 0, fn = 0
        var hz = 0.0, cents = 0.0, periodicity = 0.0
        for pair in pairs {
            let i = pair.prediction, t = pair.target
            let p = Double(min(prediction.aperiodicity[i], 1)), q = Double(min(target.aperiodicity[t], 1))
            periodicity += (p - q) * (p - q)     // (1-p) - (1-q) = q - p
            switch (vP[i], vT[t]) {
            case (true, true):
                both += 1
                let f = Double(prediction.f0[i]), g = Double(target.f0[t])
                hz += (f - g) * (f - g)
                let c = 1200 * log2(f / g)
                cents += c * c
            case (true, false): fp += 1
            case (false, true): fn += 1
            case (false, false): break
            }
        }
        self.frames = frames
        bothVoiced = both
        rmseHz = (hz / Double(both)).squareRoot()
        rmseCents = (cents / Double(both)).squareRoot()
        voicingErrorRate = Double(fp + fn) / Double(frames)
        voicingF1 = both + fp + fn == 0 ? 1 : Double(2 * both) / Double(2 * both + fp + fn)
        periodicityRMSE = (periodicity / Double(frames)).squareRoot()
    }
}
