import Foundation
import Testing
@testable import Audio

/// `AudioFile.encode` gives in memory the bytes `AudioFile.write` puts in a file, so a run can
/// store its audio without a temporary file.
@Suite final class InMemoryAudioTests {
    let folder = scratchFolder("memory")
    /// Half a second of a tone that clips (1.2 > 1), to check clipping survives the encoder too.
    let tone = Waveform(samples: (0..<11025).map { Float(1.2 * sin(Double($0) * 0.05)) }, sampleRate: 22050)

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Lossless formats: byte for byte the file `write` makes (headers with their final
    /// sizes, which libsndfile writes by seeking back), and the same samples read back.
    @Test(arguments: [AudioFileFormat.wav16, .wavFloat, .flac])
    func losslessBytesEqualTheFile(format: AudioFileFormat) throws {
        let file = folder.appendingPathComponent("written-\(format.rawValue).\(format.fileExtension)")
        try AudioFile.write(tone, to: file, format: format)
        let bytes = try AudioFile.encode(tone, format: format)
        #expect(bytes == (try Data(contentsOf: file)))

        let copy = folder.appendingPathComponent("encoded-\(format.rawValue).\(format.fileExtension)")
        try bytes.write(to: copy)
        #expect(try AudioFile.read(copy) == (try AudioFile.read(file)))
    }

    /// Lossy formats: Ogg streams carry a random serial number, so the decoded audio is compared.
    @Test(arguments: [AudioFileFormat.oggVorbis, .mp3])
    func lossyDecodesToWhatTheFileDecodesTo(format: AudioFileFormat) throws {
        let file = folder.appendingPathComponent("written.\(format.fileExtension)")
        try AudioFile.write(tone, to: file)
        let copy = folder.appendingPathComponent("encoded.\(format.fileExtension)")
        try AudioFile.encode(tone, format: format).write(to: copy)
        let (a, b) = (try AudioFile.read(copy), try AudioFile.read(file))
        #expect(a.sampleRate == 22050 && a.samples.count == b.samples.count)
        #expect(relativeError(a.samples, b.samples) < 1e-3)
    }

    @Test func anEmptySignalIsRefused() {
        #expect(throws: AudioError("wav16 audio in memory: refusing to write an empty signal")) {
            try AudioFile.encode(Waveform(samples: [], sampleRate: 22050), format: .wav16)
        }
    }
}
