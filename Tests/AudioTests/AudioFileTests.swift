import Foundation
import Testing
@testable import Audio

private func temporaryFile(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-audio-tests-\(UUID().uuidString)-\(name)")
}

/// A 2-channel 24-bit WAV written by soundfile: read as the mean of its channels.
@Test func readsStereo24BitWavAsMonoMean() throws {
    let waveform = try AudioFile.read(try fixture("stereo_pcm24.wav"))
    let expected = try readNumPy(try fixture("stereo_pcm24_mono.npy")).values
    #expect(waveform.sampleRate == 22050)
    #expect(waveform.samples.count == expected.count)
    #expect(relativeError(waveform.samples, expected) < 1e-6)
    let info = try AudioFile.info(try fixture("stereo_pcm24.wav"))
    #expect(info.channels == 2 && info.frames == 2205 && info.encoding.contains("24"))
}

/// The same 440 Hz tone (amplitude 0.5, RMS 0.354) as 8-bit WAV and as lossy Ogg Vorbis.
@Test(arguments: ["tone_pcm_u8.wav", "tone_vorbis.ogg"])
func readsOtherEncodings(file: String) throws {
    let waveform = try AudioFile.read(try fixture(file))
    #expect(waveform.sampleRate == 22050)
    #expect(abs(waveform.samples.count - 2205) <= 64)
    let rms = (waveform.samples.reduce(0) { $0 + Double($1 * $1) } / Double(waveform.samples.count)).squareRoot()
    #expect(abs(rms - 0.5 / 2.0.squareRoot()) < 0.02, "\(file): rms \(rms)")
    let expected = (0..<1000).map { Float(0.5 * sin(2 * Double.pi * 440 * Double($0) / 22050)) }
    #expect(zip(waveform.samples[500..<1000], expected[500..<1000]).allSatisfy { abs($0 - $1) < 0.03 })
}

@Test(arguments: [AudioFileFormat.wav16, .wavFloat, .flac])
func writesAndReadsBackLosslessly(format: AudioFileFormat) throws {
    let samples = (0..<4410).map { Float(0.5 * sin(Double($0) * 0.05)) }
    let url = temporaryFile("tone.\(format.fileExtension)")
    defer { try? FileManager.default.removeItem(at: url) }
    try AudioFile.write(Waveform(samples: samples, sampleRate: 16000), to: url, format: format)
    let back = try AudioFile.read(url)
    #expect(back.sampleRate == 16000 && back.samples.count == samples.count)
    let tolerance: Float = format == .wavFloat ? 0 : 1.0 / 32768
    #expect(zip(back.samples, samples).allSatisfy { abs($0 - $1) <= tolerance })
}

@Test func badFilesGiveErrorsNamingTheFile() throws {
    let missing = temporaryFile("missing.wav")
    #expect { try AudioFile.read(missing) } throws: {
        ($0 as? AudioError)?.message == "\(missing.path): no such file"
    }
    let text = temporaryFile("notes.wav")
    try Data("not audio".utf8).write(to: text)
    defer { try? FileManager.default.removeItem(at: text) }
    #expect { try AudioFile.read(text) } throws: {
        ($0 as? AudioError)?.message.hasPrefix("\(text.path): not a readable audio file") == true
    }
    let empty = temporaryFile("empty.wav")
    defer { try? FileManager.default.removeItem(at: empty) }
    try emptyWavHeader().write(to: empty)
    #expect { try AudioFile.read(empty) } throws: {
        ($0 as? AudioError)?.message == "\(empty.path): the audio file holds no samples"
    }
    #expect(throws: AudioError.self) { try AudioFile.write(Waveform(samples: [], sampleRate: 8000), to: empty) }
}

/// 1 kHz at 44.1 kHz resampled to 16 kHz by libsamplerate is still 1 kHz: its zero crossings
/// match a 1 kHz sine at the new rate.
@Test func resamplingKeepsPitch() throws {
    let tone = Waveform(samples: (0..<44100).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 44100)) },
                        sampleRate: 44100)
    let resampled = try tone.resampled(to: 16000)
    #expect(resampled.sampleRate == 16000)
    #expect(abs(resampled.samples.count - 16000) <= 2)
    let middle = resampled.samples[4000..<12000]
    let expected = (4000..<12000).map { Float(sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
    #expect(zip(middle, expected).map { abs($0 - $1) }.max()! < 0.01)
    #expect(try tone.resampled(to: 44100) == tone)
    #expect(throws: AudioError.self) { try tone.resampled(to: 0) }
}

@Test func numPyFilesHaveTheHeaderNumpyExpects() throws {
    let url = temporaryFile("mel.npy")
    defer { try? FileManager.default.removeItem(at: url) }
    let spectrogram = Spectrogram(rows: 3, frames: 2, values: [1, 2, 3, 4, 5, 6])
    try NumPyFile.write(spectrogram, to: url)
    let data = try Data(contentsOf: url)
    #expect(Array(data.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
    #expect((10 + Int(data[8]) + Int(data[9]) * 256) % 64 == 0)
    let back = try readNumPy(url)
    #expect(back.shape == [2, 3])
    #expect(back.values == [1, 3, 5, 2, 4, 6])
    #expect(throws: AudioError.self) { try NumPyFile.write([1, 2], shape: [3], to: url) }
}

/// A canonical 44-byte WAV header (mono, 8 kHz, 16-bit) whose data chunk is empty.
private func emptyWavHeader() -> Data {
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    let bytes = Array("RIFF".utf8) + le32(36) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1)
        + le32(8000) + le32(16000) + le16(2) + le16(16) + Array("data".utf8) + le32(0)
    return Data(bytes)
}
