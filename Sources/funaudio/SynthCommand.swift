import ArgumentParser
import Audio
import Foundation
import Models
import Reports

/// `funaudio synth`: text + reference recording → speech, with a trained checkpoint.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speak text in the voice of a reference recording with a trained model checkpoint.")

    @Option(help: "Model checkpoint (.safetensors written by training).") var checkpoint: String
    @Option(help: "Text to speak, of any length (spoken sentence by sentence).") var text: String
    @Option(help: "Reference recording (wav, flac, ...) of the voice to imitate.") var reference: String
    @Option(help: "Output audio: .wav (16-bit), .flac, .ogg or .mp3 (nothing is written if anything fails, a full disk included).")
    var out: String
    @Option(help: "Also write the predicted mel spectrogram as a PNG here.") var png: String?
    @Option(help: "The BERT folder a model trained with word features needs (model.bert.path of its run; a model that fine-tuned BERT takes only its tokenizer, its weights come from the checkpoint).")
    var bert: String?
    @Option(help: "A trained vocoder checkpoint (vocoder-<step>.safetensors of a train_vocoder cell, from `funaudio export`); default: Griffin-Lim.")
    var vocoder: String?

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        let format = try AudioFileFormat.forExtension(of: outURL)
        let synthesizer = try Synthesizer(checkpoint: URL(fileURLWithPath: checkpoint),
                                          vocoder: vocoder.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) })
        let rate = synthesizer.model.config.features.sampleRate
        var voice = try AudioFile.read(URL(fileURLWithPath: reference))
        if voice.sampleRate != rate { voice = try voice.resampled(to: rate) }
        let encoder = try bert.map { try PretrainedBERT(folder: URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath)) }
        // Long text is spoken sentence by sentence, so memory does not grow with its length.
        let result = try synthesizer.synthesize(longText: text, referenceMel: synthesizer.referenceMel(voice.samples),
                                                bert: encoder)
        if !result.skippedSymbols.isEmpty {
            print("skipped symbols the model does not know: \(result.skippedSymbols.joined(separator: " "))")
        }
        let features = synthesizer.model.config.features
        let picture = try png.map { _ in
            try SpectrogramPlot(axes: .init(of: features.melSpectrogram())).image(features.powerSpectrogram(result.mel))
        }
        try AudioFile.write(Waveform(samples: result.samples, sampleRate: result.sampleRate), to: outURL, format: format)
        if let png, let picture {
            do {
                try picture.writePNG(to: png)
            } catch {
                try? FileManager.default.removeItem(at: outURL)  // all or nothing, as --out promises
                throw error
            }
        }
        print("wrote \(out): \(String(format: "%.2f", Double(result.samples.count) / Double(rate))) s, \(result.durations.count) symbols")
    }
}
