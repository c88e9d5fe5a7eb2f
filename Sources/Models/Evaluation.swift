import Audio
import Foundation
import Tensor

/// Scores of a model on held-out utterances (each spoken with its own reference voice;
/// pass utterances whose reference comes from a speaker unseen in training to score an
/// unseen voice).
public struct EvaluationResult: Sendable, Equatable {
    public let utterances: Int
    /// Mean |ŷ − y| of log-mels, teacher-forced durations (frames aligned).
    public let melL1: Double
    /// Mel cepstral distortion (dB) of free-running synthesis (predicted durations) against
    /// the ground truth, frames aligned by DTW.
    public let mcd: Double
    /// ‖Y − Ŷ‖_F / ‖Y‖_F on the linear mel, teacher-forced.
    public let spectralConvergence: Double
    /// Mean |d̂ − d| in frames per token (d: the utterance's durations, or its aligner's).
    public let durationError: Double

    /// As metric names for tracking (`<prefix>mel_l1`, …).
    public func metrics(prefix: String = "") -> [String: Double] {
        [prefix + "mel_l1": melL1, prefix + "mcd": mcd, prefix + "spectral_convergence": spectralConvergence,
         prefix + "duration_error": durationError]
    }
}

extension FusionTTS {
    /// Scores every utterance one at a time (no padding effects) and averages.
    public func evaluate(_ utterances: [Utterance]) throws -> EvaluationResult {
        guard !utterances.isEmpty else { throw ModelError("evaluation needs at least one utterance") }
        var l1 = 0.0, mcd = 0.0, sc = 0.0, durationError = 0.0
        for u in utterances {
            try check(u)
            let batch = try teacherForcingBatch([u])
            let forced = inEvaluation { self(batch, teacherForced: true) }
            let predicted = LogMel(frames: u.mel.frames, bands: u.mel.bands, values: forced.finalMel.scalars)
            l1 += try SpectralMetrics.melL1(predicted.spectrogram, u.mel.spectrogram)
            sc += try SpectralMetrics.spectralConvergence(predicted.linear, u.mel.linear)
            let free = try infer(tokens: u.tokens, reference: u.reference, wordFeatures: u.wordFeatures, bertInput: u.bertInput)
            mcd += try SpectralMetrics.melCepstralDistortion(config.features.powerSpectrogram(free.mel),
                                                              config.features.powerSpectrogram(u.mel))
            durationError += zip(free.durations, batch.durations![0]).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(u.tokens.count)
        }
        let n = Double(utterances.count)
        return EvaluationResult(utterances: utterances.count, melL1: l1 / n, mcd: mcd / n,
                                spectralConvergence: sc / n, durationError: durationError / n)
    }
}
