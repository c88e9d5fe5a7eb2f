import Audio
import Data
import Foundation
import Models
import Reports
import Tracking

/// The measures of issue 17 that the evaluate and synthesize cells add to a run: where the
/// distance to the target comes from, the voice map, and the distance of synthesised
/// sentences from the built-in speaker's own rendering of them (docs/metrics.md).
extension CellLibrary {
    /// A Markdown table of the MCD at each stage per split, and one line saying which stage
    /// adds the most (read on the first split, the seen voices when there are any).
    static func errorSplit(_ results: [(split: String, result: EvaluationResult)]) -> String {
        guard let first = results.first?.result else { return "" }
        let names = ["eval": "seen voices", "eval_unseen": "held-out voice"]
        func cell(_ value: Double?) -> String { value.map { String(format: "%.2f dB", $0) } ?? "–" }
        var lines = ["| MCD on held-out sentences | " + results.map { "\($0.split) (\(names[$0.split] ?? $0.split))" }.joined(separator: " | ") + " |",
                     "|---|" + results.map { _ in "---|" }.joined()]
        let rows: [(String, (EvaluationResult) -> Double?)] = [
            ("teacher-forced mel (durations given)", { $0.mcdTeacherForced }),
            ("free-running mel (predicted durations)", { $0.mcd }),
            ("after the vocoder (waveform re-analysed)", { $0.mcdVocoded }),
            ("the vocoder alone (true mel, re-analysed)", { $0.mcdVocoderFloor }),
        ]
        for (label, value) in rows { lines.append("| \(label) | " + results.map { cell(value($0.result)) }.joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n\n" + verdict(first)
    }

    /// The measures recorded per voice (`voice.<speaker>.<measure>`) and shown in its table.
    static let voiceMeasures: [String] = ["mcd", "mcd_vocoded_median", "f0_rmse_hz", "vuv_error", "vuv_f1", "vuv_f1_vocoder_floor"]

    /// A Markdown table with a row per voice, seen voices first: where a split's average
    /// hides one voice (a low male voice among female ones), the row shows it, beside what
    /// the vocoder alone reaches on that voice's true mels.
    static func voiceTable(_ results: [(split: String, result: EvaluationResult)]) -> String {
        func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "–" }
        var lines = ["| voice | split | utterances | MCD free-running | MCD after the vocoder (median) | F0 RMSE | V/UV error | V/UV F1 | V/UV F1 of the vocoder alone |",
                     "|---|---|---|---|---|---|---|---|---|"]
        for (split, result) in results {
            for (speaker, v) in result.voices.sorted(by: { $0.key < $1.key }) {
                lines.append("| \(speaker) | \(split) | \(v.utterances) | \(cell(v.mcd, "%.2f dB")) | \(cell(v.mcdVocodedMedian, "%.2f dB")) | "
                             + "\(cell(v.f0RMSEHz, "%.1f Hz")) | \(cell(v.voicingError.map { 100 * $0 }, "%.1f %%")) | \(cell(v.voicingF1, "%.3f")) | \(cell(v.voicingF1VocoderFloor, "%.3f")) |")
            }
        }
        return "**Per voice** (`voice.<speaker>.*` metrics):\n\n" + lines.joined(separator: "\n")
    }

    /// Which stage adds the most distance: the decoder (teacher-forced MCD), the durations
    /// (free-running minus teacher-forced) or the vocoder (after it minus before it).
    static func verdict(_ r: EvaluationResult) -> String {
        var steps = [("the decoder: the mel is already far with the true durations; a larger or longer-trained decoder helps most", r.mcdTeacherForced),
                     ("the predicted durations: free-running synthesis adds the most; improve the duration predictor or the aligner", r.mcd - r.mcdTeacherForced)]
        if let vocoded = r.mcdVocoded, let floor = r.mcdVocoderFloor {
            steps.append((String(format: "the vocoder: it adds the most (%.1f dB on the true mel alone); a better vocoder helps most", floor), vocoded - r.mcd))
        }
        let largest = steps.max { $0.1 < $1.1 }!
        return String(format: "**Where the error comes from:** %@ (+%.1f dB).", largest.0, largest.1)
    }

    /// Draws the reference encoder's embeddings of up to `perSpeaker` utterances of every
    /// speaker (each utterance's own recording as the reference), stores `voice-map.png`
    /// and returns the legend.
    func recordVoiceMap(model: FusionTTS, data: PreparedData, index: Int, context: RunContext, perSpeaker: Int = 5) throws -> String {
        var points: [VoiceMap.Point] = [], taken: [String: Int] = [:]
        for (set, heldOut) in [(data.train + data.validation, false), (data.unseen, true)] {
            for u in set where taken[u.speaker, default: 0] < perSpeaker {
                taken[u.speaker, default: 0] += 1
                points.append(.init(speaker: u.speaker, heldOut: heldOut, embedding: try model.voiceEmbedding(u.mel)))
            }
        }
        guard points.count >= 2 else { return "" }
        let map = try VoiceMap(points)
        try context.run.putArtifact(name: "voice-map.png", kind: "image", mediaType: "image/png",
                                    data: map.image().pngData(), cell: index)
        return "**Voice map** (`voice-map.png`): the reference encoder's embeddings of \(points.count) utterances, " +
            "up to \(perSpeaker) per speaker, discs for voices seen in training:\n\n" + map.legend
    }

    /// The built-in speaker whose voice a synthesize cell speaks in, when it takes the voice
    /// from a held-out utterance of the built-in corpus (so any sentence can be rendered).
    static func renderableSpeaker(_ speaker: String, settings: ExperimentSettings) -> BuiltInCorpus.Speaker? {
        settings.data.corpusFolder == nil ? BuiltInCorpus.speaker(named: speaker) : nil
    }

    /// Records `synth.*` measures of sentence `n` against `speaker`'s rendering of it, and
    /// returns the rendering for the page.
    func measureSynthesis(_ result: Synthesizer.Result, sentence: String, n: Int, speaker: BuiltInCorpus.Speaker,
                          synthesizer: Synthesizer, index: Int, context: RunContext) throws -> (mel: LogMel, samples: [Float]) {
        let features = synthesizer.model.config.features
        let rendering = try BuiltInCorpus.render(sentence, speaker: speaker, sampleRate: features.sampleRate).samples
        let target = try features.logMel(rendering)
        let distance = try features.distance(of: result.samples, from: target, recording: rendering)
        let melMCD = try features.cepstralDistortion()(result.mel.spectrogram, target.spectrogram).decibels
        var values = ["mcd": melMCD, "mcd_vocoded": distance.mcd.decibels,
                      "total_duration_error_ms": Double(abs(result.mel.frames - target.frames)) * features.millisecondsPerFrame]
        if let f0 = distance.f0 {
            if f0.bothVoiced > 0 { values["f0_rmse_hz"] = f0.rmseHz }
            values["vuv_error"] = f0.voicingErrorRate
            values["vuv_f1"] = f0.voicingF1
        }
        for (name, value) in values { context.run.record(.evaluation("synth", name), step: n, value: value, cell: index) }
        return (target, rendering)
    }
}
