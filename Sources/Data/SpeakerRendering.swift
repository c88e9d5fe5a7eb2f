import Audio
import Foundation
import Text

extension BuiltInCorpus {
    /// The speaker of the table whose corpus name (``Speaker/name``) is `name`, if any.
    public static func speaker(named name: String) -> Speaker? {
        speakerTable.first { $0.name == name }
    }

    /// `sentence` normalised and spoken in `speaker`'s voice (its espeak-ng voice, pitch and
    /// rate), at `sampleRate`: the target a sentence synthesised in that voice is measured
    /// against (issue 17). Any sentence can be rendered, so every such sentence has a ground truth.
    ///
    /// It runs the `espeak-ng` program (`scripts/install-deps` installs it), one fresh process
    /// per sentence, rather than the library in this process: espeak-ng carries its pitch
    /// flutter from one synthesis to the next, so an in-process rendering would depend on
    /// what the process spoke before (the measures would differ between a sweep run alone
    /// and in sequence) and would in turn shift corpora built later in the process.
    public static func render(_ sentence: String, speaker: Speaker, sampleRate: Int) throws -> Waveform {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("speech.wav")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["espeak-ng", "-v", speaker.voice, "-s", "\(speaker.rate)", "-p", "\(speaker.pitch)",
                             "-w", file.path, "--", TextNormalizer().normalize(sentence)]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw CorpusError(message: "cannot run espeak-ng to render a sentence in voice \(speaker.name) (\(error.localizedDescription)); install it with scripts/install-deps")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: file.path) else {
            throw CorpusError(message: "espeak-ng could not render a sentence in voice \(speaker.name) (exit \(process.terminationStatus)): \(message.trimmingCharacters(in: .whitespacesAndNewlines)); is the espeak-ng program installed (scripts/install-deps)?")
        }
        return try AudioFile.read(file).resampled(to: sampleRate)
    }
}
