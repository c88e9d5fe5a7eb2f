import Audio
import Data
import Foundation
import Testing
import Text

/// An LJSpeech folder as users have it (three columns, one speaker, no durations), through
/// `corpus check` and `run`, with the experiment in its own folder naming the corpus relatively.
@Suite struct LJSpeechFolderTests {
    static let sentences = ["a": "Hello there.", "b": "Good morning.", "c": "The cat sat down.", "d": "It is late."]

    /// `speech/` (espeak-ng audio, 3-column metadata.csv, durations only `withDurations`)
    /// and `experiments/x.yaml`, whose `prepare` reads `../speech`.
    static func folder(withDurations: Bool) throws -> TestFolder {
        let folder = try TestFolder([:])
        let speech = folder.url.appendingPathComponent("speech")
        try FileManager.default.createDirectory(at: speech.appendingPathComponent("wavs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("experiments"), withIntermediateDirectories: true)
        var metadata = "", durations = Data()
        for (id, text) in sentences.sorted(by: { $0.key < $1.key }) {
            let spoken = try Espeak.shared.synthesize(text, voice: "en-us")
            try AudioFile.write(Waveform(samples: spoken.samples, sampleRate: spoken.sampleRate),
                                to: speech.appendingPathComponent("wavs/\(id).wav"), format: .wav16)
            metadata += "\(id)|\(text)|\(text.lowercased())\n"
            durations += try DurationsFile.format([(id: id, phonemes: spoken.phonemes)])
        }
        try Data(metadata.utf8).write(to: speech.appendingPathComponent("metadata.csv"))
        if withDurations { try durations.write(to: speech.appendingPathComponent("durations.jsonl")) }
        try Data("name: x\ndata:\n  corpus: ../speech\ncells: [{kind: prepare}]\n".utf8)
            .write(to: folder.url.appendingPathComponent("experiments/x.yaml"))
        return folder
    }

    @Test func withoutDurationsCheckSaysSoAndFileDurationsAreRefusedBeforeCreatingARun() throws {
        let folder = try Self.folder(withDurations: false)
        let check = try FunAudioProcess.run(["corpus", "check", "speech"], in: folder.url)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("4 items, 1 speaker (speech)"), "\(check.output)")
        #expect(check.output.contains("durations: none: this corpus has no phoneme durations; training learns them "
            + "with its aligner (`data.durations: auto` or `learned`) — see docs/corpora.md"), "\(check.output)")

        let run = try FunAudioProcess.run(["run", "experiments/x.yaml", "--set", "data.held_out_speakers=0",
                                           "--set", "data.durations=file"], in: folder.url)
        #expect(run.status != 0)
        #expect(run.output.contains("speech/durations.jsonl: no such file"), "\(run.output)")
        #expect(run.output.contains("set `data.durations: auto`"), "\(run.output)")
        let list = try FunAudioProcess.run(["list"], in: folder.url)
        #expect(list.output.contains("no runs"), "\(list.output)")
    }

    @Test func oneSpeakerTrainsWithNoneHeldOutAndCheckedFeaturesAreTheOnesRunReads() throws {
        let folder = try Self.folder(withDurations: true)
        let check = try FunAudioProcess.run(["corpus", "check", "speech", "--features"], in: folder.url)
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("durations: durations.jsonl, covering 4 of 4 utterances"), "\(check.output)")

        let heldOut = try FunAudioProcess.run(["run", "experiments/x.yaml"], in: folder.url)
        #expect(heldOut.status != 0)
        #expect(heldOut.output.contains("set `data.held_out_speakers: 0`"), "\(heldOut.output)")
        #expect(try FunAudioProcess.run(["list"], in: folder.url).output.contains("no runs"))

        let run = try FunAudioProcess.run(["run", "experiments/x.yaml", "--set", "data.held_out_speakers=0"], in: folder.url)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("run 1: finished (reused cells 0)"), "\(run.output)")  // features from the check
    }

    @Test func aSweepWithJobsIsCheckedBeforeAnyRun() throws {
        let folder = try TestFolder(["x.yaml": """
            name: x
            data:
              builtin: {speakers: 1}
            cells: [{kind: prepare}]
            sweep:
              grid:
                model.fusion.kind: [film, concat]
            """])
        let run = try FunAudioProcess.run(["run", "x.yaml", "--jobs", "2"], in: folder.url)
        #expect(run.status != 0)
        #expect(run.output.contains("set `data.held_out_speakers: 0`"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("sweeps")))
        #expect(try FunAudioProcess.run(["list"], in: folder.url).output.contains("no runs"))
    }
}
