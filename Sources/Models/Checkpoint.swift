import Foundation
import NN
import Tensor

/// Everything needed to rebuild a model and continue its training, in one safetensors file:
///
/// - tensors `model.<parameter>` and `optimizer.<parameter>.<buffer>` (Adam's `exp_avg`,
///   `exp_avg_sq`), a fine-tuned BERT's among them (`model.bert.*`);
/// - metadata `format`, `model_config` and `train_config` (JSON), `step`, `dropout_state`
///   (the model's dropout generator) and the optimizer's own (`optimizer`, `optimizer_step`).
///
/// The batch order is a function of the seed and the step, so the step restores it.
public struct Checkpoint {
    public static let format = "funaudio-fusiontts-1"
    public var modelConfig: ModelConfig
    public var trainConfig: TrainConfig?
    /// Optimizer steps completed.
    public var step: Int
    public var dropoutState: UInt64
    public var model: StateDict
    public var optimizer: StateDict
    public var optimizerMetadata: [String: String]

    public init(modelConfig: ModelConfig, trainConfig: TrainConfig?, step: Int, dropoutState: UInt64,
                model: StateDict, optimizer: StateDict = [:], optimizerMetadata: [String: String] = [:]) {
        self.modelConfig = modelConfig; self.trainConfig = trainConfig; self.step = step
        self.dropoutState = dropoutState; self.model = model
        self.optimizer = optimizer; self.optimizerMetadata = optimizerMetadata
    }

    /// A model's weights and configuration without training state (for synthesis).
    public init(_ model: FusionTTS, step: Int = 0) {
        self.init(modelConfig: model.config, trainConfig: nil, step: step,
                  dropoutState: model.dropoutSource.generator.state, model: model.stateDict())
    }

    /// The safetensors bytes.
    public func encoded() throws -> Data {
        var arrays: StateDict = [:]
        for (k, v) in model { arrays["model." + k] = v }
        for (k, v) in optimizer { arrays["optimizer." + k] = v }
        var metadata = optimizerMetadata.reduce(into: [String: String]()) { $0["optimizer_" + $1.key] = $1.value }
        metadata["format"] = Checkpoint.format
        metadata["model_config"] = try String(decoding: JSONEncoder.sorted.encode(modelConfig), as: UTF8.self)
        if let trainConfig {
            metadata["train_config"] = try String(decoding: JSONEncoder.sorted.encode(trainConfig), as: UTF8.self)
        }
        metadata["step"] = String(step)
        metadata["dropout_state"] = String(dropoutState)
        return try Safetensors.encode(arrays, metadata: metadata)
    }

    /// Reads bytes written by ``encoded()``; `file` names the source in errors.
    public init(decoding data: Data, file: String = "<memory>") throws {
        let (arrays, metadata) = try Safetensors.decode(data, file: file)
        guard metadata["format"] == Checkpoint.format else {
            throw ModelError("\(file) is not a FunAudio model checkpoint (metadata format is \(metadata["format"].map { "'\($0)'" } ?? "missing"), expected '\(Checkpoint.format)')")
        }
        func json<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
            guard let text = metadata[key] else { throw ModelError("\(file): checkpoint metadata lacks '\(key)'") }
            do { return try JSONDecoder().decode(type, from: Data(text.utf8)) } catch {
                throw ModelError("\(file): checkpoint metadata '\(key)' does not decode: \(error)")
            }
        }
        modelConfig = try json("model_config", ModelConfig.self)
        trainConfig = metadata["train_config"] == nil ? nil : try json("train_config", TrainConfig.self)
        guard let step = metadata["step"].flatMap(Int.init), let dropout = metadata["dropout_state"].flatMap(UInt64.init) else {
            throw ModelError("\(file): checkpoint metadata needs integer 'step' and 'dropout_state'")
        }
        self.step = step
        dropoutState = dropout
        model = [:]; optimizer = [:]
        for (k, v) in arrays {
            if k.hasPrefix("model.") { model[String(k.dropFirst(6))] = v }
            else if k.hasPrefix("optimizer.") { optimizer[String(k.dropFirst(10))] = v }
            else { throw ModelError("\(file): unexpected tensor '\(k)' (expected model.* or optimizer.*)") }
        }
        optimizerMetadata = metadata.reduce(into: [:]) { out, item in
            if item.key.hasPrefix("optimizer_") { out[String(item.key.dropFirst(10))] = item.value }
        }
    }

    /// Reads a checkpoint file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError("cannot read checkpoint \(url.path): \(error.localizedDescription)")
        }
        try self.init(decoding: data, file: url.path)
    }

    /// Writes atomically (a failed write leaves any earlier file as it was).
    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }

    /// The model this checkpoint describes, with its weights.
    public func makeModel() throws -> FusionTTS {
        let model = FusionTTS(modelConfig, seed: 0)
        try load(into: model)
        return model
    }

    /// Copies the weights and dropout state into `model`. Strict: a model of another
    /// configuration is refused with the tensors that differ named (nothing is changed).
    public func load(into model: FusionTTS) throws {
        do { try model.load(stateDict: self.model) } catch let error as StateDictError {
            throw ModelError("the checkpoint was written by a model of another configuration:\n\(error)")
        }
        model.dropoutSource.generator = SplitMix64(seed: dropoutState)
    }
}

/// A clear failure of the model, its checkpoint or its input, with what to do.
public struct ModelError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension JSONEncoder {
    /// Stable output (sorted keys), so equal configurations give equal text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
