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
    /// The V/UV F1 of the vocoder alone (true mel → vocoder → pYIN, against the recording): the
    /// most the model's output can reach through this vocoder, so a voice whose recordings
    /// pYIN itself finds hard (a very low voice) is not blamed on the model.
    public let voicingF1VocoderFloor: Double?
    /// Mean |d̂ − d| per phoneme, in milliseconds (d: the utterance's durations, or its aligner's).
    public let durationErrorMs: Double
    /// Mean |Σd̂ − Σd| per utterance (the whole sentence's length), in milliseconds.
    public let totalDurationErrorMs: Double
    /// The same measures for each voice (the utterances grouped by speaker), so that a voice
    /// the average hides — a low male voice among female ones — shows on its own; empty in a
    /// voice's own result.
    public let voices: [String: EvaluationResult]

    /// As metric names for tracking (`<prefix>mel_l1`, …); measures not taken are left out.
    public func metrics(prefix: String = "") -> [String: Double] {
        let optional: [String: Double?] = [
            "mcd_vocoded": mcdVocoded, "mcd_vocoded_median": mcdVocodedMedian, "mcd_vocoder_floor": mcdVocoderFloor,
            "f0_rmse_hz": f0RMSEHz, "vuv_error": voicingError, "vuv_f1": voicingF1,
            "vuv_f1_vocoder_floor": voicingF1VocoderFloor,
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
    /// Scores every utterance one at a time (no padding effects) and averages, over all and
    /// per voice. With a `vocoder`, also the waveform measures; `recording` gives an
    /// utterance's audio (at the features' rate) for its F0.
    public func evaluate(_ utterances: [Utterance], vocoder: ((LogMel) throws -> [Float])? = nil,
                         recording: (Utterance) -> [Float]? = { _ in nil }) throws -> EvaluationResult {
        guard !utterances.isEmpty else { throw ModelError("evaluation needs at least one utterance") }
        let features = config.features, mcd = try features.cepstralDistortion(), pyin = try features.pitchTracker()
        var all = EvaluationTally(), voices: [String: EvaluationTally] = [:]
        for u in utterances {
            try check(u)
            let batch = try teacherForcingBatch([u])
            let forced = inEvaluation { self(batch, teacherForced: true) }
            let predicted = LogMel(frames: u.mel.frames, bands: u.mel.bands, values: forced.finalMel.scalars)
            let free = try infer(tokens: u.tokens, reference: u.reference, wordFeatures: u.wordFeatures, bertInput: u.bertInput)
            let durations = batch.durations![0]   // the utterance's, or its aligner's
            var score = UtteranceScore(
                melL1: try SpectralMetrics.melL1(predicted.spectrogram, u.mel.spectrogram),
                spectralConvergence: try SpectralMetrics.spectralConvergence(predicted.linear, u.mel.linear),
                mcdTeacherForced: try mcd(predicted.spectrogram, u.mel.spectrogram).decibels,
                mcd: try mcd(free.mel.spectrogram, u.mel.spectrogram).decibels,
                durationErrorFrames: zip(free.durations, durations).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(u.tokens.count),
                totalDurationErrorFrames: Double(abs(free.durations.reduce(0, +) - durations.reduce(0, +))))
            if let vocoder {
                let truth = try recording(u).map { try pyin.track($0) }
                let distance = try features.distance(of: vocoder(free.mel), from: u.mel, recordingPitch: truth, tracker: pyin)
                score.mcdVocoded = distance.mcd.decibels
                let floor = try features.distance(of: vocoder(u.mel), from: u.mel, recordingPitch: truth, tracker: pyin)
                score.mcdVocoderFloor = floor.mcd.decibels
                score.f0 = distance.f0
                score.floorF1 = floor.f0?.voicingF1
            }
            all.add(score)
            voices[u.speaker, default: EvaluationTally()].add(score)
        }
        let ms = features.millisecondsPerFrame
        return all.result(millisecondsPerFrame: ms, voices: voices.mapValues { $0.result(millisecondsPerFrame: ms, voices: [:]) })
    }
}

/// One utterance's measures, before averaging.
private struct UtteranceScore {
    var melL1, spectralConvergence, mcdTeacherForced, mcd: Double
    var durationErrorFrames, totalDurationErrorFrames: Double
    var mcdVocoded: Double? = nil, mcdVocoderFloor: Double? = nil
    var f0: F0Comparison? = nil
    var floorF1: Double? = nil
}

/// Sums of utterance scores: means over utterances, except pitch, whose frames are pooled
/// (F0 RMSE over the frames voiced in both, V/UV error over all frames; F1s per utterance).
private struct EvaluationTally {
    var count = 0
    var melL1 = 0.0, spectralConvergence = 0.0, mcdTeacherForced = 0.0, mcd = 0.0
    var durationError = 0.0, totalDurationError = 0.0
    var vocoded: [Double] = [], vocoderFloor: [Double] = []
    var squaredHz = 0.0, bothVoiced = 0, voicingMisses = 0.0, pitchFrames = 0, f1: [Double] = [], floorF1: [Double] = []

    mutating func add(_ s: UtteranceScore) {
        count += 1
        melL1 += s.melL1; spectralConvergence += s.spectralConvergence
        mcdTeacherForced += s.mcdTeacherForced; mcd += s.mcd
        durationError += s.durationErrorFrames; totalDurationError += s.totalDurationErrorFrames
        if let v = s.mcdVocoded { vocoded.append(v) }
        if let v = s.mcdVocoderFloor { vocoderFloor.append(v) }
        if let f0 = s.f0 {
            if f0.bothVoiced > 0 { squaredHz += f0.rmseHz * f0.rmseHz * Double(f0.bothVoiced) }
            bothVoiced += f0.bothVoiced
            voicingMisses += f0.voicingErrorRate * Double(f0.frames)
            pitchFrames += f0.frames
            f1.append(f0.voicingF1)
        }
        if let v = s.floorF1 { floorF1.append(v) }
    }

    func result(millisecondsPerFrame ms: Double, voices: [String: EvaluationResult]) -> EvaluationResult {
        let n = Double(count)
        return EvaluationResult(
            utterances: count, melL1: melL1 / n, spectralConvergence: spectralConvergence / n,
            mcdTeacherForced: mcdTeacherForced / n, mcd: mcd / n,
            mcdVocoded: vocoded.mean, mcdVocoderFloor: vocoderFloor.mean,
            mcdVocodedMedian: vocoded.median,
            f0RMSEHz: bothVoiced > 0 ? (squaredHz / Double(bothVoiced)).squareRoot() : nil,
            voicingError: pitchFrames > 0 ? voicingMisses / Double(pitchFrames) : nil,
            voicingF1: f1.mean, voicingF1VocoderFloor: floorF1.mean,
            durationErrorMs: durationError / n * ms, totalDurationErrorMs: totalDurationError / n * ms,
            voices: voices)
    }
}
