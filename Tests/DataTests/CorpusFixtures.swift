import Audio
import Foundation
import Text

/// A corpus folder in a fresh temporary directory, made of metadata lines and wav files.
struct TemporaryCorpus {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-corpus-\(UUID())")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("wavs"),
                                                withIntermediateDirectories: true)
    }

    func metadata(_ bytes: Data) throws {
        try bytes.write(to: root.appendingPathComponent("metadata.csv"))
    }

    func metadata(_ text: String) throws { try metadata(Data(text.utf8)) }

    /// Speech of `text` by espeak-ng at 22050 Hz, resampled to `sampleRate`.
    func speech(_ id: String, _ text: String, sampleRate: Int = 22050) throws {
        let speech = try Espeak.shared.synthesize(text, voice: "en-us")
        var waveform = Waveform(samples: speech.samples, sampleRate: speech.sampleRate)
        if sampleRate != speech.sampleRate { waveform = try waveform.resampled(to: sampleRate) }
        try AudioFile.write(waveform, to: wav(id), format: .wav16)
    }

    func wav(_ id: String) -> URL { root.appendingPathComponent("wavs/\(id).wav") }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A 16-bit mono WAV header that announces no samples.
func emptyWAV(sampleRate: UInt32 = 22050) -> Data {
    var d = Data("RIFF".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d += $0 } }
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d += $0 } }
    u32(36); d += Data("WAVEfmt ".utf8); u32(16); u16(1); u16(1); u32(sampleRate)
    u32(sampleRate * 2); u16(2); u16(16); d += Data("data".utf8); u32(0)
    return d
}
