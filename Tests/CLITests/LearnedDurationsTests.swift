import Foundation
import Testing

/// A plain 3-column, single-speaker folder without durations trains (its aligner learns
/// them); `corpus align` writes the run's durations beside metadata.csv, and the next run
/// with `data.durations: auto` reads them instead of learning.
@Suite struct LearnedDurationsTests {
    static let experiment = """
        name: learned
        data: {corpus: ../speech, held_out_speakers: 0, validation: 0.25}
        model:
          dim: 16
          text_encoder: {layers: 1, heads: 2, ffn: 32}
          decoder: {layers: 1}
          aligner: {attention_dim: 16, binarization_start: 2, binarization_ramp: 1}
        train: {steps: 4, batch_size: 3, validate_every: 2, checkpoint_every: 4, threads: 1}
        cells: [{kind: prepare}, {kind: train}]
        """

    @Test func aFolderWithoutDurationsTrainsAndItsLearnedDurationsAreReused() throws {
        let folder = try LJSpeechFolderTests.folder(withDurations: false)
        try Data(Self.experiment.utf8).write(to: folder.url.appendingPathComponent("experiments/learned.yaml"))
        let first = try FunAudioProcess.run(["run", "experiments/learned.yaml"], in: folder.url)
        #expect(first.status == 0, "\(first.output)")
        let shown = try FunAudioProcess.run(["show", "1"], in: folder.url).output
        for metric in ["train.forward_sum", "train.binarization", "val.diagonality", "val.forward_sum"] {
            #expect(shown.contains(metric), "\(metric) missing from\n\(shown)")
        }
        #expect(!shown.contains("val.boundary_error"), "no truth, no boundary error:\n\(shown)")
        #expect(shown.contains("durations.jsonl"), "the learned durations are an artifact:\n\(shown)")

        let align = try FunAudioProcess.run(["corpus", "align", "speech", "--run", "1"], in: folder.url)
        #expect(align.status == 0, "\(align.output)")
        #expect(align.output.contains("durations of 4 utterances"), "\(align.output)")
        let again = try FunAudioProcess.run(["corpus", "align", "speech", "--run", "1"], in: folder.url)
        #expect(again.status != 0 && again.output.contains("pass --replace"), "\(again.output)")
        let check = try FunAudioProcess.run(["corpus", "check", "speech"], in: folder.url)
        #expect(check.output.contains("durations: durations.jsonl, covering 4 of 4 utterances"), "\(check.output)")

        let second = try FunAudioProcess.run(["run", "experiments/learned.yaml"], in: folder.url)
        #expect(second.status == 0, "\(second.output)")
        let reused = try FunAudioProcess.run(["show", "2"], in: folder.url).output
        #expect(!reused.contains("val.diagonality") && reused.contains("val.mel_l1"), "\(reused)")
    }
}
