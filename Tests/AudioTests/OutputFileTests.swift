import Foundation
import Testing
@testable import Audio

/// Output files hold what their name says, whole or not at all.
@Suite final class OutputFileTests {
    let folder = scratchFolder("output")
    let tone = Waveform(samples: (0..<8000).map { Float(0.5 * sin(Double($0) * 0.1)) }, sampleRate: 16000)

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// `x.mp3` used to get WAV bytes; each extension libsndfile writes gets its own container.
    @Test(arguments: [("wav", "WAV"), ("flac", "FLAC"), ("ogg", "OGG"), ("mp3", "MPEG")])
    func theExtensionChoosesTheContainer(ext: String, container: String) throws {
        let url = folder.appendingPathComponent("x.\(ext)")
        try AudioFile.write(tone, to: url)
        let info = try AudioFile.info(url)
        #expect(info.container.contains(container), "\(ext): \(info.container)")
        #expect(info.sampleRate == 16000)
    }

    @Test func otherExtensionsAreRefusedNamingTheSupportedOnes() throws {
        for name in ["x.mp4", "x.WAVE", "x"] {
            let url = folder.appendingPathComponent(name)
            #expect {
                try AudioFile.write(tone, to: url)
            } throws: { error in
                let message = (error as? AudioError)?.message ?? ""
                return message.hasPrefix(url.path) && message.contains(".wav, .flac, .ogg, .mp3")
            }
            #expect(!FileManager.default.fileExists(atPath: url.path))
        }
    }

    /// NaN or infinite samples would give NaN features without a word: refused with the file.
    @Test func nonFiniteSamplesAreRefusedNamingTheFile() throws {
        for bad in [Float.nan, .infinity] {
            var samples = tone.samples
            samples[1234] = bad
            let url = folder.appendingPathComponent("bad.wav")
            try AudioFile.write(Waveform(samples: samples, sampleRate: 16000), to: url, format: .wavFloat)
            #expect {
                try AudioFile.read(url)
            } throws: { error in
                let message = (error as? AudioError)?.message ?? ""
                return message.hasPrefix(url.path) && message.contains("sample 1234")
            }
        }
    }

    /// A write that fails part-way leaves the destination as it was and no staging file.
    @Test func aFailedWriteLeavesNothingBehind() throws {
        let url = folder.appendingPathComponent("out.npy")
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try StagedFile.write(to: url) { staging in
                try Data("half".utf8).write(to: staging)
                throw Interrupted()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        try Data("old".utf8).write(to: url)
        #expect(throws: Interrupted.self) {
            try StagedFile.write(to: url) { staging in
                try Data("half".utf8).write(to: staging)
                throw Interrupted()
            }
        }
        #expect(try Data(contentsOf: url) == Data("old".utf8))
        try StagedFile.write(to: url) { try Data("new".utf8).write(to: $0) }
        #expect(try Data(contentsOf: url) == Data("new".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.npy"])
    }
}
