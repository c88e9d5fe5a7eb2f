import Foundation
import NN

/// The sizes and options of a BERT encoder, as in a Hugging Face `config.json`
/// (`BertConfig`). Only the encoder's keys are read; heads and tokenizer keys are ignored.
public struct BERTConfig: Codable, Sendable, Equatable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var maxPositions: Int
    public var typeVocabSize: Int
    /// ε of every LayerNorm (`layer_norm_eps`, 1e-12 in BERT).
    public var layerNormEpsilon: Float
    /// The feed-forward non-linearity (`hidden_act`: "gelu" is the erf form).
    public var activation: Activation
    /// Dropout after the embeddings and each residual branch, active in training mode only.
    public var hiddenDropout: Float
    /// Dropout on the attention probabilities, active in training mode only.
    public var attentionDropout: Float

    public init(vocabSize: Int, hiddenSize: Int, layerCount: Int, headCount: Int,
                intermediateSize: Int, maxPositions: Int = 512, typeVocabSize: Int = 2,
                layerNormEpsilon: Float = 1e-12, activation: Activation = .gelu,
                hiddenDropout: Float = 0.1, attentionDropout: Float = 0.1) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.headCount = headCount
        self.intermediateSize = intermediateSize
        self.maxPositions = maxPositions
        self.typeVocabSize = typeVocabSize
        self.layerNormEpsilon = layerNormEpsilon
        self.activation = activation
        self.hiddenDropout = hiddenDropout
        self.attentionDropout = attentionDropout
    }

    /// Hugging Face's `hidden_act` names → NN activations (transformers' `ACT2FN`).
    static let activations: [String: Activation] = [
        "gelu": .gelu, "gelu_new": .geluTanh, "gelu_pytorch_tanh": .geluTanh, "relu": .relu, "tanh": .tanh,
    ]

    /// Reads `config.json`. Refuses anything but a BERT encoder: `model_type` must be
    /// "bert" and every name in `architectures` must start with "Bert" (at least one of
    /// the two must be present); positions must be absolute; it must not be a decoder.
    public init(contentsOf url: URL) throws {
        let file = url.path
        guard let data = try? Data(contentsOf: url) else {
            throw BERTError.badConfig(file: file, key: nil, reason: "cannot read the file")
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw BERTError.badConfig(file: file, key: nil, reason: "not a JSON object")
        }
        let modelType = json["model_type"] as? String
        let architectures = json["architectures"] as? [String]
        if let modelType, modelType != "bert" {
            throw BERTError.unsupported(file: file, reason: "model_type is \"\(modelType)\"")
        }
        if let unknown = architectures?.first(where: { !$0.hasPrefix("Bert") }) {
            throw BERTError.unsupported(file: file, reason: "architecture \(unknown)")
        }
        if modelType == nil && (architectures ?? []).isEmpty {
            throw BERTError.unsupported(file: file, reason: "neither model_type nor architectures says what the model is")
        }
        if let positions = json["position_embedding_type"] as? String, positions != "absolute" {
            throw BERTError.unsupported(file: file, reason: "position_embedding_type \"\(positions)\"")
        }
        if json["is_decoder"] as? Bool == true {
            throw BERTError.unsupported(file: file, reason: "is_decoder is true")
        }

        func int(_ key: String, default value: Int? = nil) throws -> Int {
            guard let raw = json[key] else {
                if let value { return value }
                throw BERTError.badConfig(file: file, key: key, reason: "missing")
            }
            guard let number = raw as? NSNumber, let n = Int(exactly: number.doubleValue), n > 0 else {
                throw BERTError.badConfig(file: file, key: key, reason: "\(raw) is not a positive integer")
            }
            return n
        }
        func float(_ key: String, default value: Float) throws -> Float {
            guard let raw = json[key] else { return value }
            guard let number = raw as? NSNumber, number.doubleValue >= 0 else {
                throw BERTError.badConfig(file: file, key: key, reason: "\(raw) is not a non-negative number")
            }
            return number.floatValue
        }
        let actName = json["hidden_act"] as? String ?? "gelu"
        guard let activation = Self.activations[actName] else {
            throw BERTError.unsupported(file: file, reason: "hidden_act \"\(actName)\" (known: \(Self.activations.keys.sorted().joined(separator: ", ")))")
        }
        self.init(vocabSize: try int("vocab_size"), hiddenSize: try int("hidden_size"),
                  layerCount: try int("num_hidden_layers"), headCount: try int("num_attention_heads"),
                  intermediateSize: try int("intermediate_size"),
                  maxPositions: try int("max_position_embeddings"),
                  typeVocabSize: try int("type_vocab_size", default: 2),
                  layerNormEpsilon: try float("layer_norm_eps", default: 1e-12), activation: activation,
                  hiddenDropout: try float("hidden_dropout_prob", default: 0.1),
                  attentionDropout: try float("attention_probs_dropout_prob", default: 0.1))
        guard hiddenSize % headCount == 0 else {
            throw BERTError.badConfig(file: file, key: "num_attention_heads",
                                      reason: "hidden_size \(hiddenSize) does not split into \(headCount) heads")
        }
        guard hiddenDropout < 1, attentionDropout < 1 else {
            throw BERTError.badConfig(file: file, key: nil, reason: "dropout probabilities must be below 1")
        }
    }
}
