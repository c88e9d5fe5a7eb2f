import Foundation
import NN
import Tensor

/// A trained vocoder and what continues its training, in one safetensors file:
///
/// - tensors `model.<parameter>`, `optimizer.<parameter>.<buffer>` and, once adversarial
///   training has started, `adversary.<name>` (discriminators and their optimizer);
/// - metadata `format`, `vocoder` (``VocoderSpec`` JSON), `features` (``MelFormat`` JSON: the
///   mels it reads), `train_config`, `step`, the optimizer's own (`optimizer_*`) and the
///   adversary's (`adversary_*`), and `random_state` for a vocoder that draws noise as it runs
///   (``NeuralVocoder/randomState``: a WaveNet's next noise).
///
/// The segments of each step are a function of the seed and the step, so nothing random
/// beyond this is needed to resume bitwise.
public struct VocoderCheckpoint {
    public static let format = "funaudio-vocoder-1"
    public var spec: VocoderSpec
    public var features: MelFormat
    public var trainConfig: VocoderTrainConfig?
    public var step: Int
    public var model: StateDict
    public var optimizer: StateDict
    public var optimizerMetadata: [String: String]
    public var adversary: StateDict
    public var adversaryMetadata: [String: String]
    /// The vocoder's ``NeuralVocoder/randomState`` when saved (nil: it draws nothing).
    public var randomState: UInt64?

    public init(spec: VocoderSpec, features: MelFormat, trainConfig: VocoderTrainConfig?, step: Int, model: StateDict,
                optimizer: StateDict = [:], optimizerMetadata: [String: String] = [:],
                adversary: StateDict = [:], adversaryMetadata: [String: String] = [:], randomState: UInt64? = nil) {
        self.spec = spec; self.features = features; self.trainConfig = trainConfig; self.step = step
        self.model = model; self.optimizer = optimizer; self.optimizerMetadata = optimizerMetadata
        self.adversary = adversary; self.adversaryMetadata = adversaryMetadata
        self.randomState = randomState
    }

    /// Whether `data` is a vocoder checkpoint (its metadata says so), without decoding tensors
    /// the caller may not want.
    public static func isVocoderCheckpoint(_ data: Data) -> Bool {
        (try? Safetensors.decode(data, file: "<memory>").metadata["format"]) == format
    }

    /// The safetensors bytes.
    public func encoded() throws -> Data {
        var arrays: StateDict = [:]
        for (prefix, dict) in [("model.", model), ("optimizer.", optimizer), ("adversary.", adversary)] {
            for (k, v) in dict { arrays[prefix + k] = v }
        }
        var metadata: [String: String] = [:]
        for (k, v) in optimizerMetadata { metadata["optimizer_" + k] = v }
        for (k, v) in adversaryMetadata { metadata["adversary_" + k] = v }
        metadata["format"] = Self.format
        metadata["vocoder"] = try String(decoding: JSONEncoder.sorted.encode(spec), as: UTF8.self)
        metadata["features"] = try String(decoding: JSONEncoder.sorted.encode(features), as: UTF8.self)
        if let trainConfig {
            metadata["train_config"] = try String(decoding: JSONEncoder.sorted.encode(trainConfig), as: UTF8.self)
        }
        metadata["step"] = String(step)
        if let randomState { metadata["random_state"] = String(randomState) }
        return try Safetensors.encode(arrays, metadata: metadata)
    }

    /// Reads bytes written by ``encoded()``; `file` names the source in errors.
    public init(decoding data: Data, file: String = "<memory>") throws {
        let (arrays, metadata) = try Safetensors.decode(data, file: file)
        guard metadata["format"] == Self.format else {
            throw ModelError("\(file) is not a FunAudio vocoder checkpoint (metadata format is \(metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(Self.format)': the checkpoints of a `train_vocoder` cell)")
        }
        func json<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
            guard let text = metadata[key] else { throw ModelError("\(file): vocoder checkpoint metadata lacks '\(key)'") }
            do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
                throw ModelError("\(file): vocoder checkpoint metadata '\(key)' does not decode: \(error)")
            }
        }
        spec = try json("vocoder", VocoderSpec.self)
        features = try json("features", MelFormat.self)
        trainConfig = metadata["train_config"] == nil ? nil : try json("train_config", VocoderTrainConfig.self)
        guard let step = metadata["step"].flatMap(Int.init) else {
            throw ModelError("\(file): vocoder checkpoint metadata needs an integer 'step'")
        }
        self.step = step
        if let text = metadata["random_state"] {
            guard let state = UInt64(text) else { throw ModelError("\(file): vocoder checkpoint metadata 'random_state' is not an unsigned integer") }
            randomState = state
        } else {
            randomState = nil
        }
        (model, optimizer, adversary) = ([:], [:], [:])
        for (k, v) in arrays {
            if k.hasPrefix("model.") { model[String(k.dropFirst(6))] = v }
            else if k.hasPrefix("optimizer.") { optimizer[String(k.dropFirst(10))] = v }
            else if k.hasPrefix("adversary.") { adversary[String(k.dropFirst(10))] = v }
            else { throw ModelError("\(file): unexpected tensor '\(k)' (expected model.*, optimizer.* or adversary.*)") }
        }
        func prefixed(_ prefix: String) -> [String: String] {
            metadata.reduce(into: [:]) { out, item in
                if item.key.hasPrefix(prefix) { out[String(item.key.dropFirst(prefix.count))] = item.value }
            }
        }
        optimizerMetadata = prefixed("optimizer_")
        adversaryMetadata = prefixed("adversary_")
    }

    /// Reads a checkpoint file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError("cannot read vocoder checkpoint \(url.path): \(error.localizedDescription)")
        }
        try self.init(decoding: data, file: url.path)
    }

    /// The vocoder this checkpoint describes, with its weights and random state.
    public func makeVocoder() throws -> any NeuralVocoder {
        let vocoder = try spec.makeVocoder(features: features, seed: 0)
        do { try vocoder.load(stateDict: model) } catch let error as StateDictError {
            throw ModelError("the vocoder checkpoint does not fit its own configuration:\n\(error)")
        }
        if let randomState { vocoder.randomState = randomState }
        return vocoder
    }
}
