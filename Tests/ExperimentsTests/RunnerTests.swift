import Foundation
import Testing
import Models
import Tracking
@testable import Experiments

/// A whole experiment end to end at toy size: espeak-ng corpus, training, evaluation,
/// synthesis, runs.db and the report. Seconds in a debug build.
@Suite(.serialized) struct Runs {
    static let tiny = """
        name: tiny
        description: "A *tiny* run."
        data:
          builtin: {utterances: 24, speakers: 3}
        model:
          dim: 16
          text_encoder: {layers: 1, heads: 2, ffn: 32}
          fusion: {kind: cross_attention, heads: 2}
          decoder: {layers: 1}
          vocoder: {iterations: 4}
        train: {steps: 4, batch_size: 4, validate_every: 2, checkpoint_every: 2, threads: 1}
        cells:
          - {kind: markdown, text: "# Tiny"}
          - {kind: prepare}
          - {kind: train}
          - {kind: evaluate, utterances: 2}
          - {kind: synthesize, sentences: ["Hello there."]}
        """

    let folder: String
    let store: RunStore
    let runner: Runner

    init() throws {
        folder = try temporaryFolder(["tiny.yaml": Self.tiny,
                                      "broken.yaml": "name: broken\ncells: [{kind: evaluate}]\n"])
        store = try RunStore(path: folder + "/runs.db")
        runner = Runner(store: store, options: RunOptions(
            reportsDirectory: URL(fileURLWithPath: folder + "/reports"),
            cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
    }

    func losses(_ run: Int64) throws -> [Double?] {
        try store.metricSeries(run: run, key: "train.loss").map(\.value)
    }

    @Test func aRunRecordsEveryCellAndReusesWhatDidNotChange() throws {
        let first = try runner.run(Experiment.load(folder + "/tiny.yaml"))
        #expect(first.map(\.status) == [.finished])
        let detail = try store.runDetail(first[0].runID)
        #expect(detail.cells.map(\.kind) == ["markdown", "prepare", "train", "evaluate", "synthesize"])
        #expect(detail.cells.allSatisfy { $0.status == "finished" || $0.status == "reused" })
        let names = Set(detail.artifacts.map(\.name))
        for name in ["eval/00/predicted.wav", "eval/00/target.wav", "eval/00/predicted.png",
                     "eval/00/text.txt", "synth/00/predicted.wav", "checkpoint-4.safetensors"] {
            #expect(names.contains(name), "missing artifact \(name)")
        }
        #expect(try store.metricSeries(run: first[0].runID, key: "val.mel_l1").first?.step == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/reports/\(first[0].runID)/index.html"))
        let media = try FileManager.default.contentsOfDirectory(atPath: folder + "/reports/\(first[0].runID)/media")
        #expect(media.contains("eval-00-predicted.png"))
        #expect(!media.contains { $0.contains("checkpoint") }, "the page must not carry model checkpoints")

        // Only the evaluation changed: corpus, features and the trained model are reused.
        let second = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: ["cells.3.utterances=1"]))
        #expect(second[0].reusedCells == [1, 2])
        // A training setting changed: the model is trained again.
        let third = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: ["train.lr=0.002"]))
        #expect(third[0].reusedCells == [1])
    }

    @Test func rerunGivesBitwiseTheSameLosses() throws {
        let original = try runner.run(Experiment.load(folder + "/tiny.yaml"))[0]
        let again = try runner.rerun(original.runID)
        #expect(again.status == .finished)
        #expect(again.reusedCells.allSatisfy { $0 != 2 }, "rerun must train again")
        let a = try losses(original.runID), b = try losses(again.runID)
        #expect(a.count == 4)
        #expect(a == b)
        #expect(try store.runDetail(again.runID).parentRunID == original.runID)
    }

    @Test func pretrainedWordFeaturesReachTheModel() throws {
        let folder = PretrainedBERT.defaultFolder.path  // scripts/fetch-bert puts it there
        let outcome = try runner.run(Experiment.load(self.folder + "/tiny.yaml",
                                                     overrides: ["model.bert.path=\(folder)"]))[0]
        #expect(outcome.status == .finished, "\(outcome.error ?? "")")
        let names = try store.artifacts(run: outcome.runID).map(\.name)
        let checkpoint = try #require(try store.artifacts(run: outcome.runID).last { $0.kind == "checkpoint" })
        let model = try Checkpoint(decoding: store.data(of: checkpoint)).modelConfig
        #expect(model.wordFeatureDim == 384)
        #expect(names.contains("synth/00/predicted.wav"))
    }

    @Test func aCellThatCannotRunFailsTheRunWithItsReason() throws {
        let outcome = try runner.run(Experiment.load(folder + "/broken.yaml"))[0]
        #expect(outcome.status == .failed)
        #expect(outcome.error?.contains("needs a trained model: put a `train` cell before it") == true)
        let check = try store.execute(sql: "PRAGMA integrity_check")
        #expect(check.first?.rows.first?.first?.description.contains("ok") == true)
    }
}
