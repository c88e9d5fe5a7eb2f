import Foundation
import NN
import Tensor

extension BERTModel {
    /// Reads a configuration (`config.json`) and a Hugging Face checkpoint
    /// (`model.safetensors`) into an encoder in evaluation mode.
    ///
    /// The checkpoint's names may carry a `bert.` prefix (checkpoints of `BertForMaskedLM`
    /// and other task models): then only the `bert.*` tensors are the encoder, the rest
    /// (task heads such as `cls.*`) are ignored. Also ignored: the integer buffers
    /// `embeddings.position_ids` and `embeddings.token_type_ids`, and the pooler
    /// (`pooler.dense.*`, a sentence-level head outside the last hidden states). Every
    /// other tensor must match a parameter by name and shape, and every parameter must be
    /// present; otherwise a ``BERTError/badWeights(file:reason:)`` lists all the problems.
    ///
    /// - Parameter trainable: whether the parameters require gradients (fine-tuning). By
    ///   default the encoder is frozen: no graph is recorded through it.
    public static func load(config configURL: URL, weights weightsURL: URL, trainable: Bool = false) throws -> BERTModel {
        let config = try BERTConfig(contentsOf: configURL)
        var generator = SplitMix64(seed: 0)
        let model = BERTModel(config: config, generator: &generator)
        let tensors: [String: NamedArray]
        do {
            tensors = try Safetensors.read(weightsURL).arrays
        } catch let error as SafetensorsError {
            throw BERTError.badWeights(file: weightsURL.path, reason: "\(error)")
        }
        do {
            try model.load(stateDict: encoderStateDict(tensors))
        } catch let error as StateDictError {
            throw BERTError.badWeights(
                file: weightsURL.path,
                reason: "\(error) (\(configURL.lastPathComponent): \(config.layerCount) layers, hidden \(config.hiddenSize), vocabulary \(config.vocabSize))")
        }
        for p in model.parameters() { p.requiresGrad = trainable }
        model.eval()
        return model
    }

    /// The encoder's tensors of a checkpoint, names without the `bert.` prefix.
    static func encoderStateDict(_ tensors: [String: NamedArray]) -> StateDict {
        let prefix = "bert."
        let prefixed = tensors.keys.contains { $0.hasPrefix(prefix) }
        var out: StateDict = [:]
        for (name, array) in tensors {
            if prefixed && !name.hasPrefix(prefix) { continue }
            let key = prefixed ? String(name.dropFirst(prefix.count)) : name
            if key == "embeddings.position_ids" || key == "embeddings.token_type_ids" || key.hasPrefix("pooler.") {
                continue
            }
            out[key] = array
        }
        return out
    }
}
