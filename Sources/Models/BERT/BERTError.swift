import Foundation

/// Why a BERT folder cannot be used or a text cannot be encoded; each message names the file
/// or key at fault and what to do.
public enum BERTError: Error, CustomStringConvertible, Equatable {
    /// The folder lacks `file` (config.json, model.safetensors or vocab.txt).
    case missingFile(folder: String, file: String)
    /// config.json cannot be read, or a key is absent or has the wrong type or value.
    case badConfig(file: String, key: String?, reason: String)
    /// config.json describes a model this loader does not implement.
    case unsupported(file: String, reason: String)
    /// The weights do not fit the configuration (from NN's strict state-dict check).
    case badWeights(file: String, reason: String)
    /// The input cannot be encoded (too long, ids outside the vocabulary, nothing to encode).
    case badInput(reason: String)

    public var description: String {
        switch self {
        case let .missingFile(folder, file):
            "BERT folder \(folder) has no \(file); a Hugging Face BERT folder needs config.json, "
                + "model.safetensors and vocab.txt (scripts/fetch-bert prints one)"
        case let .badConfig(file, key, reason):
            "\(file)\(key.map { ": key '\($0)'" } ?? ""): \(reason)"
        case let .unsupported(file, reason):
            "\(file): \(reason); FunAudio loads BERT models only (model_type \"bert\", "
                + "architectures Bert*, absolute positions)"
        case let .badWeights(file, reason):
            "\(file): \(reason)"
        case let .badInput(reason):
            "BERT input: \(reason)"
        }
    }
}
