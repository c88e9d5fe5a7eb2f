import Audio
import Foundation
import Tensor

/// Scores of a model on held-out utterances (each spoken with its own reference voice;
/// pass utterances whose reference comes from a speaker unseen in training to score an
/// unseen voice).
///
/// The MCDs (``MelCepstralDistortion``: DTW, c₁–c₂₄, silence trimmed) split the distance to
/// the target into where it arises (issue 17), each against the recording's log-mel:
///
///     teacher-forced   model mel with the true durations        → the decoder's error
///     free-running     model mel with predicted durations       → + the durations' error
///     vocoded          free-running mel → vocoder → re-analysed  → + the vocoder's error
///     vocoder floor    true mel → vocoder → re-analysed          → what the vocoder alone costs
public struct EvaluationResult: Sendable, Equatable {
    public let utterances: Int
    /// Mean |ŷ − y| of log-mels, teacher-forced durations (frames aligned).
    public let melL1: Double
    /// ‖Y − Ŷ‖_F / ‖Y‖_F on the linear mel, teacher-forced.
    public let spectralConvergence: Double
    /// MCD (dB) of the teacher-forced mel.
    public let mcdTeacherForced: Double
    /// MCD (dB) of free-running synthesis (predicted durations): the model's figure.
    public let mcd: Double
    /// MCD (dB) after the vocoder, and of the vocoder alone on the true mel; nil without a vocoder.
    public let mcdVocoded: Double?, mcdVocoderFloor: Double?
    /// The median over utterances of the MCD after the vocoder (the figure papers and issue 17
    /// quote; the other figures are means).
    public let mcdVocodedMedian: Double?
    /// Pitch against the recordings, after the vocoder, along the DTW path (frames pooled
    /// over utterances); nil without a vocoder or recordings.
    public let f0RMSEHz: Double?, voicingError: Double?, voicingF1: Double?
    /// Mean |d̂ − d| per phoneme, in milliseconds (d: the utterance's durations, or its aligner's).
    public let durationErrorMs: Double
    /// Mean |Σd̂ − Σd| per utterance (the whole sentence's length), in milliseconds.
    public let totalDurationErrorMs: Double

    /// As metric names for tracking (`<prefix>mel_l1`, …); measures not taken are left out.
    public func metrics(prefix: String = "") -> [String: Double] {
        let optional: [String: Double?] = [
            "mcd_vocoded": mcdVocoded, "mcd_vocoded_median": mcdVocodedMedian, "mcd_vocoder_floor": mcdVocoderFloor,
            "f0_rmse_hz": f0RMSEHz, "vuv_error": voicingError, "vuv_f1": voicingF1,
        ]
        var out: [String: Double] = [
            "mel_l1": melL1, "spectral_convergence": spectralConvergence, "mcd_teacher_forced": mcdTeacherForced,
            "mcd": mcd, "duration_error_ms": durationErrorMs, "total_duration_error_ms": totalDurationErrorMs,
        ]
        for (key, value) in optional { if let value { out[key] = value } }
        return Dictionary(uniqueKeysWithValues: out.map { (prefix + $0.key, $0.value) })
    }
}

extension FusionTTS {
    /// Scores every utterance one at a time (no padding effects) and averages. With a
    /// `vocoder`, also the waveform measures; `recording` gives an utterance's audio (at the
    /// features' rate) for its F0.
    public func evaluate(_ utterances: [Utterance], vocoder: ((LogMel) throws -> [Float])? = nil,
                         recording: (Utterance) -> [Float]? = { _ in nil }) throws -> EvaluationResult {
        guard !utterances.isEmpty else { throw ModelError("evaluation needs at least one utterance") }
        let features = config.features, mcd = try features.cepstralDistortion()
        var l1 = 0.0, sc = 0.0, forcedMCD = 0.0, freeMCD = 0.0, vocoded: [Double] = [], floor = 0.0
        var durationError = 0.0, totalError = 0.0
        var squaredHz = 0.0, bothVoiced = 0, voicingMisses = 0.0, f0Frames = 0, f1 = 0.0, f1Count = 0
        for u in utterances {
            try check(u)
            let batch = try teacherForcingBatch([u])
            let forced = inEvaluation { self(batch, teacherForced: true) }
            let predicted = LogMel(frames: u.mel.frames, bands: u.mel.bands, values: forced.finalMel.scalars)
            l1 += try SpectralMetrics.melL1(predicted.spectrogram, u.mel.spectrogram)
            sc += try SpectralMetrics.spectralConvergence(predicted.linear, u.mel.linear)
            forcedMCD += try mcd(predicted.spectrogram, u.mel.spectrogram).decibels
            let free = try infer(tokens: u.tokens, reference: u.reference, wordFeatures: u.wordFeatures, bertInput: u.bertInput)
            freeMCD += try mcd(free.mel.spectrogram, u.mel.spectrogram).decibels
            let durations = batch.durations![0]   // the utterance's, or its aligner's
            durationError += zip(free.durations, durations).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(u.tokens.count)
            totalError += Double(abs(free.durations.reduce(0, +) - durations.reduce(0, +)))
            guard let vocoder else { continue }
            let distance = try features.distance(of: vocoder(free.mel), from: u.mel, recording: recording(u))
            vocoded.append(distance.mcd.decibels)
            floor += try features.distance(of: vocoder(u.mel), from: u.mel, recording: nil).mcd.decibels
            if let f0 = distance.f0 {
                if f0.bothVoiced > 0 { squaredHz += f0.rmseHz * f0.rmseHz * Double(f0.bothVoiced) }
                bothVoiced += f0.bothVoiced
                voicingMisses += f0.voicingErrorRate * Double(f0.frames)
                f0Frames += f0.frames
                f1 += f0.voicingF1; f1Count += 1
            }
        }
        let n = Double(utterances.count), ms = features.millisecondsPerFrame
        return EvaluationResult(
            utterances: utterances.count, melL1: l1 / n, spectralConvergence: sc / n,
            mcdTeacherForced: forcedMCD / n, mcd: freeMCD / n,
            mcdVocoded: vocoder == nil ? nil : vocoded.reduce(0, +) / n, mcdVocoderFloor: vocoder == nil ? nil : floor / n,
            mcdVocodedMedian: vocoded.median,
            f0RMSEHz: bothVoiced > 0 ? (squaredHz / Double(bothVoiced)).squareRoot() : nil,
            voicingError: f0Frames > 0 ? voicingMisses / Double(f0Frames) : nil,
            voicingF1: f1Count > 0 ? f1 / Double(f1Count) : nil,
            durationErrorMs: durationError / n * ms, totalDurationErrorMs: totalError / n * ms)
    }
}
