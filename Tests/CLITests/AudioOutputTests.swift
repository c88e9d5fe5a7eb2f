import Audio
import Data
import Foundation
import Models
import Testing
import Text

/// `funaudio audio mel`, `audio griffin-lim` and `synth` as a user runs them: any parameters
/// give output or a clear error (never a crash), and output files are whole or absent.
@Suite final class AudioOutputTests {
    let folder: TestFolder
    /// Two seconds of a gliding tone at 16 kHz (resampled to 22.05 kHz by `audio mel`).
    let tone = Waveform(samples: (0..<32000).map { i in
        let t = Double(i) / 16000
        return Float(0.4 * sin(2 * Double.pi * (200 + 300 * t) * t))
    }, sampleRate: 16000)

    init() throws {
        folder = try TestFolder([:])
        try AudioFile.write(tone, to: folder.url.appendingPathComponent("good.wav"))
    }

    func funaudio(_ arguments: [String], fileSizeLimit: Int? = nil) throws -> (status: Int32, output: String) {
        try FunAudioProcess.run(arguments, in: folder.url, fileSizeLimit: fileSizeLimit)
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: folder.path(name)) }

    /// The outside tester's crashing sets (heap corruption in the mel filterbank before).
    @Test(arguments: [(16, 256, 80), (3, 256, 80), (64, 256, 256), (1024, 256, 100_000), (2, 1, 12), (26, 8, 476)])
    func melParametersGiveOutputOrAClearError(nFFT: Int, hop: Int, nMels: Int) throws {
        let result = try funaudio(["audio", "mel", "good.wav", "--out", "x.npy",
                                   "--n-fft", "\(nFFT)", "--hop", "\(hop)", "--n-mels", "\(nMels)"])
        if result.status == 0 {
            #expect(try NumPyFile.read(folder.url.appendingPathComponent("x.npy")).shape.last == nMels)
        } else {
            #expect(result.status == 1, "\(result.output)")
            #expect(result.output.hasPrefix("Error: invalid parameter n_mels=\(nMels)"), "\(result.output)")
            #expect(!exists("x.npy"))
        }
    }

    /// `audio mel` with no options writes exactly the features a run trains on.
    @Test func melDefaultsAreTheTrainingFeatures() throws {
        let corpus = folder.url.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus.appendingPathComponent("wavs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.url.appendingPathComponent("good.wav"),
                                         to: corpus.appendingPathComponent("wavs/tone.wav"))
        try Data("tone|A rising tone.|A rising tone.\n".utf8).write(to: corpus.appendingPathComponent("metadata.csv"))
        let features = try MelFeatures.load(for: try Corpus.load(corpus, sampleRate: MelSettings.sampleRate), cache: corpus)

        let result = try funaudio(["audio", "mel", "good.wav", "--out", "x.npy"])
        #expect(result.status == 0, "\(result.output)")
        let cli = try NumPyFile.read(folder.url.appendingPathComponent("x.npy"))
        let frames = try #require(features.frames(of: "tone"))
        #expect(cli.shape == [frames, MelSettings().nMels])
        #expect(cli.values == (try features.mel(of: "tone")))
    }

    /// `--out x.mp3` used to get WAV bytes.
    @Test func griffinLimWritesTheFormatItsExtensionNames() throws {
        let mp3 = try funaudio(["audio", "griffin-lim", "good.wav", "--out", "x.mp3", "--iterations", "2"])
        #expect(mp3.status == 0, "\(mp3.output)")
        #expect(try AudioFile.info(folder.url.appendingPathComponent("x.mp3")).container.contains("MPEG"))
        let refused = try funaudio(["audio", "griffin-lim", "good.wav", "--out", "x.aac", "--iterations", "2"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("x.aac: cannot write audio with this extension; use one of .wav, .flac, .ogg, .mp3"),
                "\(refused.output)")
        #expect(!exists("x.aac"))
    }

    @Test func melRefusesNonFiniteAudioNamingTheFile() throws {
        var samples = tone.samples
        samples[100] = .nan
        try AudioFile.write(Waveform(samples: samples, sampleRate: 16000),
                            to: folder.url.appendingPathComponent("nan.wav"), format: .wavFloat)
        let result = try funaudio(["audio", "mel", "nan.wav", "--out", "x.npy"])
        #expect(result.status == 1)
        #expect(result.output.contains("nan.wav: sample 100 is nan"), "\(result.output)")
        #expect(!exists("x.npy"))
    }

    /// A full disk (a 4 KiB file-size limit) part-way through the output: non-zero exit, a
    /// message naming the file, and nothing at the output path (used to be a partial file).
    @Test func aFullDiskLeavesNoPartialMel() throws {
        let result = try funaudio(["audio", "mel", "good.wav", "--out", "x.npy"], fileSizeLimit: 4)
        #expect(result.status == 1)
        #expect(result.output.contains("x.npy: cannot write the .npy file"), "\(result.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains("x.npy") } == [])
    }

    @Test func aFullDiskLeavesNoPartialSynthesis() throws {
        let text = "Hello there, this is a sentence long enough to fill a few kilobytes of audio."
        let symbols = [PhonemeSymbols.padding] + Set(try Phonemizer().symbols(text)).sorted()
        try Checkpoint(FusionTTS(.tiny(symbols: symbols), seed: 1)).write(to: folder.url.appendingPathComponent("model.safetensors"))
        let arguments = ["synth", "--checkpoint", "model.safetensors", "--text", text, "--reference", "good.wav", "--out", "x.wav"]
        let whole = try funaudio(arguments)
        #expect(whole.status == 0, "\(whole.output)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: folder.path("x.wav"))[.size] as? Int)
        try FileManager.default.removeItem(atPath: folder.path("x.wav"))
        let limit = size / 1024 / 2  // KiB: half the file
        #expect(limit >= 1, "the output (\(size) bytes) must be larger than the smallest limit")

        let full = try funaudio(arguments, fileSizeLimit: limit)
        #expect(full.status == 1)
        #expect(full.output.contains("x.wav: wrote"), "\(full.output)")
        #expect(full.output.contains("nothing was written"), "\(full.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains("x.wav") } == [])
    }

    /// Several texts (repeated --text, or --text-file) go to a new folder as 001.wav, 002.wav,
    /// …, each the audio of its text; an existing folder or --png with several texts is
    /// refused before anything is written.
    @Test func severalTextsGoToAFolderInOrder() throws {
        let texts = ["Hello there.", "This sentence is a good deal longer than the first one was.", "Goodbye."]
        let symbols = [PhonemeSymbols.padding] + Set(try texts.flatMap { try Phonemizer().symbols($0) }).sorted()
        try Checkpoint(FusionTTS(.tiny(symbols: symbols), seed: 1)).write(to: folder.url.appendingPathComponent("model.safetensors"))
        try (texts.joined(separator: "\n\n") + "\n").write(to: folder.url.appendingPathComponent("texts.txt"), atomically: true, encoding: .utf8)
        let common = ["synth", "--checkpoint", "model.safetensors", "--reference", "good.wav"]

        let fromFile = try funaudio(common + ["--text-file", "texts.txt", "--out", "spoken"])
        #expect(fromFile.status == 0, "\(fromFile.output)")
        #expect(fromFile.output.contains("wrote 3 files to spoken"), "\(fromFile.output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("spoken")).sorted() == ["001.wav", "002.wav", "003.wav"])
        let lengths = try (1...3).map { try AudioFile.read(folder.url.appendingPathComponent("spoken/00\($0).wav")).samples.count }
        #expect(lengths[1] > lengths[0] && lengths[1] > lengths[2], "\(lengths): the long sentence must come out longest")

        // The second text alone gives the same audio as in the folder (the mel up to rounding).
        let alone = try funaudio(common + ["--text", texts[1], "--out", "alone.wav"])
        #expect(alone.status == 0, "\(alone.output)")
        #expect(try AudioFile.read(folder.url.appendingPathComponent("alone.wav")).samples.count == lengths[1])

        let again = try funaudio(common + texts.flatMap { ["--text", $0] } + ["--out", "spoken"])
        #expect(again.status != 0 && again.output.contains("spoken exists"), "\(again.output)")
        let picture = try funaudio(common + ["--text", "a", "--text", "b", "--out", "other", "--png", "x.png"])
        #expect(picture.status != 0 && picture.output.contains("--png draws one text's mel"), "\(picture.output)")
        #expect(!exists("other") && !exists("x.png"))
    }
}
