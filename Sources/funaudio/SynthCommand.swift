import ArgumentParser
import Audio
import Foundation
import Models
import Reports

/// `funaudio synth`: text + reference recording → speech, with a trained checkpoint.
struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Speak text in the voice of a reference recording with a trained model checkpoint.",
        discussion: """
            One text goes to the file --out names. Several texts (--text repeated, or \
            --text-file with one text per line) go to the folder --out names, as 001.wav, \
            002.wav, … in their order: the reference is encoded once and the sentences go \
            through the model in batches, which is how many sentences are fastest.

            Examples:
              funaudio synth --checkpoint model.safetensors --reference voice.wav \\
                  --text "Hello there." --out hello.wav
              funaudio synth --checkpoint model.safetensors --reference voice.wav \\
                  --text-file sentences.txt --out spoken/
            """)

    @Option(help: "Model checkpoint (.safetensors written by training).") var checkpoint: String
    @Option(help: "Text to speak, of any length (spoken sentence by sentence); repeat for several texts.")
    var text: [String] = []
    @Option(help: "A UTF-8 file of texts to speak, one per line (blank lines are skipped).") var textFile: String?
    @Option(help: "Reference recording (wav, flac, ...) of the voice to imitate.") var reference: String
    @Option(help: """
        Output audio for one text: .wav (16-bit), .flac, .ogg or .mp3. For several texts a new \
        folder, which gets 001.wav, 002.wav, …. Nothing is written if anything fails, a full disk included.
        """)
    var out: String
    @Option(help: "Also write the predicted mel spectrogram as a PNG here (one text only).") var png: String?
    @Option(help: "The BERT folder a model trained with word features needs (model.bert.path of its run; a model that fine-tuned BERT takes only its tokenizer, its weights come from the checkpoint).")
    var bert: String?
    @Option(help: "A trained vocoder checkpoint (vocoder-<step>.safetensors of a train_vocoder cell, from `funaudio export`); default: Griffin-Lim.")
    var vocoder: String?

    func validate() throws {
        guard text.isEmpty != (textFile == nil) else { throw ValidationError("give --text (one or more) or --text-file") }
    }

    func run() throws {
        let texts = try textFile.map(Self.lines(of:)) ?? text
        guard !texts.isEmpty else { throw ValidationError("\(textFile ?? "the text file") has no text to speak") }
        let outURL = URL(fileURLWithPath: out)
        if texts.count > 1 {
            guard png == nil else { throw ValidationError("--png draws one text's mel; give one text, or leave --png out") }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw ValidationError("\(out) exists; several texts go to a new folder: give a path that does not exist yet")
            }
        }
        let format = texts.count == 1 ? try AudioFileFormat.forExtension(of: outURL) : .wav16
        let synthesizer = try Synthesizer(checkpoint: URL(fileURLWithPath: checkpoint),
                                          vocoder: vocoder.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) })
        let rate = synthesizer.model.config.features.sampleRate
        var voice = try AudioFile.read(URL(fileURLWithPath: reference))
        if voice.sampleRate != rate { voice = try voice.resampled(to: rate) }
        let encoder = try bert.map { try PretrainedBERT(folder: URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath)) }
        let started = Date()
        let results = try synthesizer.synthesize(texts: texts, referenceMel: synthesizer.referenceMel(voice.samples),
                                                 bert: encoder)
        let seconds = Date().timeIntervalSince(started)
        let skipped = results.flatMap(\.skippedSymbols).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !skipped.isEmpty { print("skipped symbols the model does not know: \(skipped.joined(separator: " "))") }
        let audioSeconds = Double(results.map(\.samples.count).reduce(0, +)) / Double(rate)
        let timing = String(format: "%.2f s of audio in %.2f s (real-time factor %.3f)", audioSeconds, seconds,
                            seconds / max(audioSeconds, 1e-9))
        if texts.count > 1 {
            try Self.writeFolder(results, to: outURL)
            print("wrote \(results.count) files to \(out): \(timing)")
            return
        }
        let result = results[0]
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
        print("wrote \(out): \(timing), \(result.durations.count) symbols")
    }

    /// The non-blank lines of a text file, named in the error when it cannot be read.
    static func lines(of path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the text file \(path): does it exist?")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("\(path) is not UTF-8 text")
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// 001.wav, 002.wav, … written into a staging folder beside `folder`, which then takes its
    /// name: the folder appears whole or not at all.
    static func writeFolder(_ results: [Synthesizer.Result], to folder: URL) throws {
        let staging = folder.deletingLastPathComponent()
            .appendingPathComponent(".\(folder.lastPathComponent).partial-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            let digits = max(3, String(results.count).count)
            for (n, result) in results.enumerated() {
                let name = String(repeating: "0", count: max(0, digits - String(n + 1).count)) + "\(n + 1).wav"
                try AudioFile.write(Waveform(samples: result.samples, sampleRate: result.sampleRate),
                                    to: staging.appendingPathComponent(name), format: .wav16)
            }
            try FileManager.default.moveItem(at: staging, to: folder)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }
}
