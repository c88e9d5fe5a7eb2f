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
            tensors = try readFloatTensors(weightsURL)
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

    /// The float tensors of a safetensors file. Hugging Face BERT checkpoints also hold the
    /// integer buffer `embeddings.position_ids` (I64), which NN's reader (floats only)
    /// refuses; integer and boolean entries are removed from the header before decoding
    /// (the data section is kept whole, so the other offsets stay valid).
    static func readFloatTensors(_ url: URL) throws -> [String: NamedArray] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw BERTError.badWeights(file: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        guard data.count >= 8 else { return try Safetensors.decode(data, file: url.path).arrays }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8),
              var header = (try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + Int(headerLength))))) as? [String: Any]
        else { return try Safetensors.decode(data, file: url.path).arrays }   // NN names the fault
        let integerTypes: Set<String> = ["I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64", "BOOL"]
        let integers = header.filter { ((($0.value as? [String: Any])?["dtype"] as? String).map(integerTypes.contains)) ?? false }
        guard !integers.isEmpty else { return try Safetensors.decode(data, file: url.path).arrays }
        for name in integers.keys { header[name] = nil }
        let newHeader = try JSONSerialization.data(withJSONObject: header)
        var rebuilt = Data(capacity: 8 + newHeader.count + data.count - 8 - Int(headerLength))
        withUnsafeBytes(of: UInt64(newHeader.count).littleEndian) { rebuilt.append(contentsOf: $0) }
        rebuilt.append(newHeader)
        rebuilt.append(data[(8 + Int(headerLength))...])
        return try Safetensors.decode(rebuilt, file: url.path).arrays
    }
}
