import Foundation

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
///     periodicity RMSE = sqrt( (1/frames) Σ_t (pP(t) - pT(t))² ),  p = pYIN's voiced probability
///
/// Voicing and F0 are ``PYIN``'s. The periodicity is pYIN's voiced probability, over all
/// frames; CARGAN and Vocos use torchcrepe's periodicity instead, so values are comparable
/// only within this toolkit. The RMSEs are NaN when no frame is voiced in both; F1 is 1 when neither
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

    public init(prediction: PitchTrack, target: PitchTrack) throws {
        let frames = min(prediction.frames, target.frames)
        try self.init(prediction: prediction, target: target,
                      pairs: (0..<frames).map { FramePair(prediction: $0, target: $0) })
    }

    /// Compares the frames that `pairs` match (pairs beyond either track's end are skipped:
    /// a path measured on mels may run a frame past a re-analysed waveform).
    public init(prediction: PitchTrack, target: PitchTrack, pairs: [FramePair]) throws {
        let pairs = pairs.filter { $0.prediction >= 0 && $0.prediction < prediction.frames && $0.target >= 0 && $0.target < target.frames }
        let frames = pairs.count
        guard frames > 0 else {
            throw AudioError("F0 comparison needs non-empty pitch tracks, got \(prediction.frames) prediction and \(target.frames) target frames")
        }
        let vP = prediction.voiced, vT = target.voiced
        var both = 0, fp = 0, fn = 0
        var hz = 0.0, cents = 0.0, periodicity = 0.0
        for pair in pairs {
            let i = pair.prediction, t = pair.target
            let p = Double(prediction.voicedProbability[i]), q = Double(target.voicedProbability[t])
            periodicity += (p - q) * (p - q)
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
