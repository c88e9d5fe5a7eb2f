import Foundation
import Testing
import NN
import Tensor
@testable import Models

/// Loading Hugging Face BERT folders, and the clear errors for folders that do not fit.
/// Each test writes a tiny random BERT (2 layers, hidden 8) to a temporary folder.
@Suite struct BERTFolderTests {
    static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ".", "the", "cat", "##s", "sat"]

    static var configJSON: [String: Any] { [
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": 30, "hidden_size": 8,
        "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16,
        "max_position_embeddings": 12, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
        "hidden_act": "gelu", "position_embedding_type": "absolute",
    ] }

    /// A folder holding `model`'s weights (renamed by `rename`, then edited by `edit`),
    /// `config` and the tiny vocabulary.
    static func folder(_ model: BERTModel, config: [String: Any] = configJSON,
                       rename: (String) -> String = { $0 },
                       edit: (inout StateDict) -> Void = { _ in }) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var weights = StateDict(uniqueKeysWithValues: model.stateDict().map { (rename($0.key), $0.value) })
        edit(&weights)
        try Safetensors.write(weights, to: url.appendingPathComponent("model.safetensors"))
        try JSONSerialization.data(withJSONObject: config).write(to: url.appendingPathComponent("config.json"))
        try (vocabulary.joined(separator: "\n") + "\n").write(to: url.appendingPathComponent("vocab.txt"), atomically: true, encoding: .utf8)
        return url
    }

    static func randomModel() -> BERTModel {
        var generator = SplitMix64(seed: 7)
        let model = BERTModel(config: tinyBERTConfig, generator: &generator)
        model.eval()
        return model
    }

    static func states(_ model: BERTModel) throws -> [Float] { try model.hiddenStates([2, 5, 10, 6, 7, 3]).scalars }

    @Test func aSavedModelLoadsBackFrozenWithTheSameOutputs() throws {
        let model = Self.randomModel()
        let folder = try Self.folder(model)
        defer { try? FileManager.default.removeItem(at: folder) }
        let bert = try PretrainedBERT(folder: folder)
        #expect(bert.model.config == tinyBERTConfig)
        #expect(try Self.states(bert.model) == Self.states(model))
        #expect(bert.model.parameters().allSatisfy { !$0.requiresGrad })
        #expect(bert.tokenizer.encode("Hello cats.").pieces == ["[CLS]", "hello", "cat", "##s", ".", "[SEP]"])
    }

    @Test func taskModelCheckpointsLoadTheirBertPrefixedEncoder() throws {
        let model = Self.randomModel()
        let head = NamedArray(shape: [30], values: Array(repeating: 1, count: 30))
        let folder = try Self.folder(model, rename: { "bert." + $0 }, edit: { weights in
            weights["cls.predictions.bias"] = head                          // a BertForMaskedLM head
            weights["bert.pooler.dense.weight"] = NamedArray(shape: [8, 8], values: Array(repeating: 0, count: 64))
        })
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.states(PretrainedBERT(folder: folder).model) == Self.states(model))
    }

    @Test(arguments: PretrainedBERT.requiredFiles)
    func aMissingFileIsNamed(_ file: String) throws {
        let folder = try Self.folder(Self.randomModel())
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(file))
        #expect(throws: BERTError.missingFile(folder: folder.path, file: file)) { try PretrainedBERT(folder: folder) }
    }

    @Test(arguments: [
        ("model_type", "roberta", "model_type is \"roberta\""),
        ("architectures", ["DistilBertModel"], "architecture DistilBertModel"),
        ("hidden_act", "swish", "hidden_act \"swish\" (known: gelu, gelu_new, gelu_pytorch_tanh, relu, tanh)"),
        ("position_embedding_type", "relative_key", "position_embedding_type \"relative_key\""),
    ] as [(String, any Sendable, String)])
    func anUnknownArchitectureIsRefused(_ key: String, _ value: any Sendable, _ reason: String) throws {
        var config = Self.configJSON
        config[key] = value
        let folder = try Self.folder(Self.randomModel(), config: config)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.json").path
        #expect(throws: BERTError.unsupported(file: file, reason: reason)) { try PretrainedBERT(folder: folder) }
    }

    @Test func aMissingSizeIsNamed() throws {
        var config = Self.configJSON
        config["hidden_size"] = nil
        let folder = try Self.folder(Self.randomModel(), config: config)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("config.json").path
        #expect(throws: BERTError.badConfig(file: file, key: "hidden_size", reason: "missing")) { try PretrainedBERT(folder: folder) }
    }

    @Test func misShapedMissingAndExtraTensorsAreAllNamed() throws {
        let folder = try Self.folder(Self.randomModel(), edit: { weights in
            weights["encoder.layer.1.intermediate.dense.weight"] = NamedArray(shape: [16, 4], values: Array(repeating: 0, count: 64))
            weights["encoder.layer.0.attention.self.key.bias"] = nil
            weights["encoder.layer.2.output.dense.weight"] = NamedArray(shape: [1], values: [0])
        })
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: BERTError.self) { try PretrainedBERT(folder: folder) }
        let message = "\(error!)"
        #expect(message.contains("model.safetensors"))
        #expect(message.contains("encoder.layer.1.intermediate.dense.weight: the module has shape [16, 8], the state dict [16, 4]"))
        #expect(message.contains("missing: encoder.layer.0.attention.self.key.bias"))
        #expect(message.contains("unexpected: encoder.layer.2.output.dense.weight"))
        #expect(message.contains("config.json: 2 layers, hidden 8, vocabulary 30"))
    }

    @Test func aVocabularyLargerThanTheEmbeddingTableIsRefused() throws {
        var config = Self.configJSON
        config["vocab_size"] = 10
        var generator = SplitMix64(seed: 7)
        var small = tinyBERTConfig
        small.vocabSize = 10
        let folder = try Self.folder(BERTModel(config: small, generator: &generator), config: config)
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: BERTError.self) { try PretrainedBERT(folder: folder) }
        #expect("\(error!)".contains("12 tokens, but config.json's vocab_size is 10"))
    }

    @Test func aTrainableModelPassesGradientsFromWordFeatures() throws {
        let folder = try Self.folder(Self.randomModel())
        defer { try? FileManager.default.removeItem(at: folder) }
        let bert = try PretrainedBERT(folder: folder, trainable: true)
        let (words, features) = try bert.wordFeatures("the cats sat.")
        #expect(words == ["the", "cats", "sat."])
        #expect(features.shape == [3, 8])
        (features * features).sum().backward()
        let grad = try #require(bert.model.encoder.layers[0].attention.selfAttention.query.weight.grad)
        #expect(grad.scalars.contains { $0 != 0 })
    }

    @Test func dropoutActsOnlyInTrainingMode() throws {
        let model = Self.randomModel()
        #expect(try Self.states(model) == Self.states(model))
        model.train()
        #expect(try Self.states(model) != Self.states(model))
    }
}
