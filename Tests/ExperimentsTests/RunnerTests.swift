import Foundation
import Testing
import Models
import NN
import Tensor
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
                     "eval/00/text.txt", "synth/00/predicted.wav", "synth/00/target.wav", "voice-map.png",
                     "checkpoint-4.safetensors"] {
            #expect(names.contains(name), "missing artifact \(name)")
        }
        // Issue 17's measures: the error split on held-out sentences, pitch against the
        // recordings, and the synthesised sentence against the held-out speaker's rendering.
        for key in ["eval.mcd_teacher_forced", "eval.mcd_vocoded", "eval.mcd_vocoder_floor", "eval.vuv_error",
                    "eval_unseen.mcd", "eval.duration_error_ms", "synth.mcd", "synth.mcd_vocoded",
                    "synth.total_duration_error_ms", "eval.mcd_vocoded_median", "eval_unseen.mcd_vocoded_median"] {
            #expect(try store.metricSeries(run: first[0].runID, key: key).first?.value?.isFinite == true, "missing \(key)")
        }
        let evaluation = try #require(detail.cells.first { $0.kind == "evaluate" }?.output)
        #expect(evaluation.contains("| after the vocoder (waveform re-analysed) |") && evaluation.contains("Where the error comes from"))
        // Every voice on its own: the seen ones and the held-out one, each in the table.
        let voices = detail.metrics.map(\.key).filter { $0.hasPrefix("voice.") && $0.hasSuffix(".vuv_f1") }
        #expect(voices.count >= 2, "\(voices)")
        for key in voices { #expect(evaluation.contains("| \(key.dropFirst(6).dropLast(7)) | eval")) }
        #expect(evaluation.contains(" | eval_unseen | "))
        #expect(try store.metricSeries(run: first[0].runID, key: "val.mel_l1").first?.step == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/reports/\(first[0].runID)/index.html"))
        let media = try FileManager.default.contentsOfDirectory(atPath: folder + "/reports/\(first[0].runID)/media")
        #expect(media.contains("eval-00-predicted.png"))
        #expect(!media.contains { $0.contains("checkpoint") }, "the page must not carry model checkpoints")

        // Only the evaluation changed: corpus, features and the trained model are reused.
        let second = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: ["cells.3.utterances=1"]))
        #expect(second[0].reusedCells == [1, 2])
        // Again: the latest match is the second run, whose model is the first run's.
        let again = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: ["cells.3.utterances=2"]))
        #expect(again[0].reusedCells == [1, 2])
        #expect(try store.runDetail(again[0].runID).modelSourceRunID == first[0].runID)
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

    /// `model.bert.finetune` with a tiny random BERT folder: frozen, the checkpoint has no
    /// BERT weights; fine-tuned, it carries BERT's tuned weights (not the folder's), and the
    /// evaluate and synthesize cells run with them.
    @Test func aFineTunedBERTTrainsAndIsSavedWithTheModel() throws {
        let bert = try tinyBERTFolder(in: folder)
        let key = "encoder.layer.0.attention.self.query.weight"
        let pretrained = try #require(try Safetensors.read(bert.appendingPathComponent("model.safetensors")).arrays[key])
        for fineTune in [false, true] {
            let outcome = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: [
                "model.bert.path=\(bert.path)", "model.bert.finetune=\(fineTune)"]))[0]
            #expect(outcome.status == .finished, "\(outcome.error ?? "")")
            let artifacts = try store.artifacts(run: outcome.runID)
            let last = try #require(artifacts.last { $0.kind == "checkpoint" })
            let checkpoint = try Checkpoint(decoding: store.data(of: last))
            #expect((checkpoint.modelConfig.bert != nil) == fineTune)
            #expect(checkpoint.model["bert." + key].map { $0 != pretrained } == (fineTune ? true : nil))
            #expect(artifacts.map(\.name).contains("synth/00/predicted.wav"))
        }
    }

    @Test func onlyTheLatestCheckpointsAreKept() throws {
        let outcome = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: [
            "train.checkpoint_every=1", "train.keep_checkpoints=2"]))[0]
        #expect(outcome.status == .finished, "\(outcome.error ?? "")")
        let checkpoints = try store.artifacts(run: outcome.runID).filter { $0.kind == "checkpoint" }
        #expect(checkpoints.map(\.name) == ["checkpoint-3.safetensors", "checkpoint-4.safetensors"])
        // Everything else is still there, and the run can be resumed and reused from the last.
        #expect(try store.artifacts(run: outcome.runID).contains { $0.name == "synth/00/predicted.wav" })
        let all = try runner.run(Experiment.load(folder + "/tiny.yaml", overrides: [
            "train.checkpoint_every=1", "train.keep_checkpoints=0", "train.lr=0.002"]))[0]
        #expect(try store.artifacts(run: all.runID).filter { $0.kind == "checkpoint" }.count == 4)
    }

    @Test func aCellThatCannotRunFailsTheRunWithItsReason() throws {
        let outcome = try runner.run(Experiment.load(folder + "/broken.yaml"))[0]
        #expect(outcome.status == .failed)
        #expect(outcome.error?.contains("needs a trained model: put a `train` cell before it") == true)
        let check = try store.execute(sql: "PRAGMA integrity_check")
        #expect(check.first?.rows.first?.first?.description.contains("ok") == true)
    }
}

/// A Hugging Face BERT folder in `parent` with a tiny random encoder (1 layer, hidden 8,
/// 128 positions) and a vocabulary of a few words: most corpus words read as `[UNK]`.
func tinyBERTFolder(in parent: String) throws -> URL {
    let url = URL(fileURLWithPath: parent).appendingPathComponent("tiny-bert")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "of", "to", "and", ".", ","]
    var generator = SplitMix64(seed: 11)
    let config = BERTConfig(vocabSize: vocabulary.count, hiddenSize: 8, layerCount: 1, headCount: 2,
                            intermediateSize: 16, maxPositions: 128)
    try BERTModel(config: config, generator: &generator).save(to: url.appendingPathComponent("model.safetensors"))
    let json: [String: Any] = [
        "model_type": "bert", "vocab_size": vocabulary.count, "hidden_size": 8, "num_hidden_layers": 1,
        "num_attention_heads": 2, "intermediate_size": 16, "max_position_embeddings": 128,
    ]
    try JSONSerialization.data(withJSONObject: json).write(to: url.appendingPathComponent("config.json"))
    try (vocabulary.joined(separator: "\n") + "\n").write(to: url.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
    return url
}
