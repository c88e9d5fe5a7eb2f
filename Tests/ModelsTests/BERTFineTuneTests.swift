import Foundation
import Testing
import NN
import Tensor
@testable import Models

/// `model.bert.finetune`: BERT inside the model, trained with it, saved with it. Each test
/// writes a tiny random BERT (2 layers, hidden 8) to a temporary Hugging Face folder and
/// loads it back as "the pretrained encoder".
@Suite final class BERTFineTuneTests {
    static let texts = ["the cat sat", "hello world.", "the cats sat.", "hello cat"]
    let folder: URL
    let pretrained: PretrainedBERT

    init() throws {
        folder = try BERTFolderTests.folder(BERTFolderTests.randomModel())
        pretrained = try PretrainedBERT(folder: folder)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Synthetic utterances, each with one of ``texts``: its BERT input when fine-tuning,
    /// else its frozen word features.
    func utterances(_ count: Int, seed: UInt64 = 7, fineTune: Bool) throws -> [Utterance] {
        try SyntheticSpeech.utterances(count, seed: seed).enumerated().map { i, utterance in
            var u = utterance
            let text = Self.texts[i % Self.texts.count]
            if fineTune {
                u.bertInput = try pretrained.wordInput(tokens: u.tokens, symbols: SyntheticSpeech.symbols, text: text)
            } else {
                u.wordFeatures = try pretrained.phonemeWordFeatures(tokens: u.tokens, symbols: SyntheticSpeech.symbols, text: text)
            }
            return u
        }
    }

    /// The tiny model with word features; fine-tuning starts its BERT from the folder's weights.
    func model(fineTune: Bool, textDropout: Double = 0.1) throws -> FusionTTS {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.textEncoder.dropout = textDropout
        config.wordFeatureDim = pretrained.hiddenSize
        if fineTune { config.bert = pretrained.model.config }
        let model = FusionTTS(config, seed: 3)
        try model.bert?.load(stateDict: pretrained.model.stateDict())
        return model
    }

    static func trainConfig(steps: Int, fineTune: Bool) -> TrainConfig {
        var config = TrainConfig.tiny(steps: steps)
        config.bertLRScale = fineTune ? 0.1 : nil
        return config
    }

    /// The fine-tuned path gives each token its word's features as the frozen path does, in
    /// a padded batch too (evaluation mode: no dropout).
    @Test func theFineTunedPathSpreadsFeaturesAsTheFrozenOneDoes() throws {
        let model = try model(fineTune: true)
        let tuned = try utterances(3, fineTune: true), frozen = try utterances(3, fineTune: false)
        let batch = model.batch(tuned)
        model.eval()
        let features = noGrad { model.bert!.phonemeFeatures(batch.bert!) }.scalars      // [B, T, hidden]
        let (t, h) = (batch.tokenCount, pretrained.hiddenSize)
        for (b, u) in frozen.enumerated() {
            let row = Array(features[(b * t * h)..<(b * t * h + u.tokens.count * h)])
            #expect(maxAbsoluteError(row, u.wordFeatures!) <= 1e-5, "utterance \(b)")
            #expect(features[(b * t * h + u.tokens.count * h)..<((b + 1) * t * h)].allSatisfy { $0 == 0 }, "padding")
        }
    }

    /// In training mode BERT's dropout draws from the model's dropout source, so its masks
    /// follow the model's seed (and a checkpoint's restored generator).
    @Test func bertDropoutDrawsFromTheModelsSource() throws {
        let model = try model(fineTune: true)
        let batch = model.batch(try utterances(2, fineTune: true))
        model.train()
        func features(seed: UInt64) -> [Float] {
            model.dropoutSource.generator = SplitMix64(seed: seed)
            return noGrad { model.bert!.phonemeFeatures(batch.bert!) }.scalars
        }
        #expect(features(seed: 1) == features(seed: 1))
        #expect(features(seed: 1) != features(seed: 2))
    }

    @Test func fineTuningMovesBERTAndLowersTheLoss() throws {
        let model = try model(fineTune: true, textDropout: 0)
        var config = Self.trainConfig(steps: 40, fineTune: true)
        config.batchSize = 4
        config.lr = 1e-2
        let trainer = try Trainer(model: model, config: config, train: try utterances(4, fineTune: true), validation: [])
        for (p, scale) in zip(trainer.optimizer.parameters, trainer.optimizer.learningRateScales) {
            #expect(scale == (p.name.hasPrefix("bert.") ? 0.1 : 1), "\(p.name)")
        }
        let start = pretrained.model.stateDict()
        let recorder = Recorder()
        try trainer.run(observer: recorder)
        let tuned = model.bert!.stateDict()
        #expect(Set(tuned.keys) == Set(start.keys))
        let unmoved = tuned.keys.filter { tuned[$0] == start[$0] }
        #expect(unmoved.isEmpty, "BERT tensors that did not move: \(unmoved.sorted())")
        #expect(pretrained.model.stateDict() == start, "the pretrained encoder itself must stay as loaded")
        #expect(recorder.losses.last! < 0.5 * recorder.losses.first!, "\(recorder.losses.first!) → \(recorder.losses.last!)")
    }

    /// Frozen (the default): the encoder only computed the features; the model has no BERT
    /// parameters and its checkpoint is what it was before fine-tuning existed.
    @Test func aFrozenEncoderStaysAsLoadedAndOutOfTheCheckpoint() throws {
        let start = pretrained.model.stateDict()
        let trainer = try Trainer(model: model(fineTune: false), config: Self.trainConfig(steps: 4, fineTune: false),
                                  train: try utterances(6, fineTune: false), validation: [])
        try trainer.run()
        #expect(pretrained.model.stateDict() == start)
        #expect(trainer.model.bert == nil)
        #expect(!trainer.optimizer.parameters.contains { $0.name.hasPrefix("bert.") })
        let bytes = try trainer.checkpoint().encoded()
        let (arrays, metadata) = try Safetensors.decode(bytes, file: "checkpoint")
        #expect(!arrays.keys.contains { $0.contains("bert") })
        #expect(metadata["model_config"]?.contains("bert") == false)
        #expect(metadata["train_config"]?.contains("bert") == false)
    }

    /// The checkpoint holds the fine-tuned BERT: a model loaded from its file synthesizes
    /// exactly as the trained model in memory, and differently from the same model with the
    /// pretrained BERT weights (the folder gives only the tokenizer).
    @Test func aCheckpointCarriesTheFineTunedBERTToSynthesis() throws {
        let trainer = try Trainer(model: model(fineTune: true), config: Self.trainConfig(steps: 6, fineTune: true),
                                  train: try utterances(6, fineTune: true), validation: [])
        try trainer.run()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("finetuned-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try trainer.checkpoint().write(to: url)
        let checkpoint = try Checkpoint(contentsOf: url)
        #expect(checkpoint.modelConfig.bert == pretrained.model.config)
        #expect(checkpoint.model.keys.filter { $0.hasPrefix("bert.") }.count == pretrained.model.namedParameters().count)

        let reference = SyntheticSpeech.utterances(1)[0].reference
        func speak(_ synthesizer: Synthesizer) throws -> LogMel {
            try synthesizer.synthesize(text: "The cat sat.", referenceMel: reference, bert: pretrained).mel
        }
        let inMemory = try speak(Synthesizer(model: trainer.model))
        #expect(try speak(Synthesizer(checkpoint: url)) == inMemory)
        let withPretrainedBERT = try checkpoint.makeModel()
        try withPretrainedBERT.bert!.load(stateDict: pretrained.model.stateDict())
        #expect(try speak(Synthesizer(model: withPretrainedBERT)) != inMemory)
    }

    /// A run resumed from the step-4 checkpoint continues with exactly the losses, and ends
    /// with exactly the BERT weights, of an uninterrupted one (BERT's dropout is on).
    @Test func resumeMatchesAnUninterruptedRun() throws {
        let train = try utterances(6, fineTune: true), validation = try utterances(2, seed: 99, fineTune: true)
        func uninterrupted() throws -> (Trainer, Recorder) {
            let trainer = try Trainer(model: model(fineTune: true), config: Self.trainConfig(steps: 8, fineTune: true),
                                      train: train, validation: validation)
            let recorder = Recorder()
            try trainer.run(observer: recorder)
            return (trainer, recorder)
        }
        let (full, recorded) = try uninterrupted()
        #expect(try uninterrupted().1.losses == recorded.losses, "same seed, same losses")
        let checkpoint = try Checkpoint(decoding: try #require(recorded.checkpoints.first { $0.step == 4 }).bytes)
        let resumed = try Trainer(resuming: checkpoint, train: train, validation: validation)
        #expect(resumed.config.bertLRScale == 0.1)
        let recorder = Recorder()
        try resumed.run(observer: recorder)
        #expect(recorder.losses == Array(recorded.losses[4...]))
        #expect(resumed.model.bert!.stateDict() == full.model.bert!.stateDict())
    }

    @Test func anUtteranceWithoutBERTInputIsRefused() throws {
        let items = try utterances(2, fineTune: false)      // frozen features, no word pieces
        let error = #expect(throws: ModelError.self) {
            try Trainer(model: self.model(fineTune: true), config: Self.trainConfig(steps: 2, fineTune: true),
                        train: items, validation: [])
        }
        #expect(error?.message.contains("needs the utterance's BERT input") == true)
    }
}
