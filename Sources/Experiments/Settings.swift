import Config
import Models

/// Typed settings from a resolved experiment configuration. The schema has already checked
/// every key and filled every default, so a missing value here is a programming error.
enum Settings {
    static func train(_ config: ConfigValue) -> TrainConfig {
        func value<T>(_ key: String, _ get: (ConfigValue) -> T?) -> T {
            guard let v = config["train.\(key)"].flatMap(get) else {
                preconditionFailure("schema default missing for train.\(key)")
            }
            return v
        }
        return TrainConfig(
            steps: value("steps", \.int), batchSize: value("batch_size", \.int),
            optimizer: TrainConfig.OptimizerKind(rawValue: value("optimizer", \.string))!,
            lr: value("lr", \.double), weightDecay: value("weight_decay", \.double),
            schedule: TrainConfig.ScheduleKind(rawValue: value("schedule", \.string))!,
            warmup: value("warmup", \.int), clip: value("clip", \.double),
            loss: TrainConfig.LossKind(rawValue: value("loss", \.string))!,
            durationWeight: value("duration_weight", \.double),
            validateEvery: value("validate_every", \.int), checkpointEvery: value("checkpoint_every", \.int),
            threads: value("threads", \.int), seed: UInt64(config["seed"]?.int ?? 0),
            bertLRScale: fineTunesBERT(config) ? config["model.bert.lr_scale"]!.double! : nil)
    }

    /// `model.bert.finetune` with an encoder to fine-tune.
    static func fineTunesBERT(_ config: ConfigValue) -> Bool {
        config["model.bert.finetune"] == .bool(true) && config["model.bert.path"] != .null
    }

    /// The model's shape; the symbols, the mel format and the BERT come from the prepared data
    /// (`bert`: the encoder the model fine-tunes, nil if frozen or absent).
    static func model(_ config: ConfigValue, symbols: [String], features: MelFormat,
                      wordFeatureDim: Int?, bert: BERTConfig? = nil) -> ModelConfig {
        func int(_ key: String) -> Int { config["model.\(key)"]!.int! }
        func string(_ key: String) -> String { config["model.\(key)"]!.string! }
        func bool(_ key: String) -> Bool { config["model.\(key)"]!.bool! }
        return ModelConfig(
            text: ModelConfig.TextKind(rawValue: config["data.text"]!.string!)!,
            symbols: symbols, features: features, dim: int("dim"),
            textEncoder: TextEncoderConfig(layers: int("text_encoder.layers"), heads: int("text_encoder.heads"),
                                           ffn: int("text_encoder.ffn"),
                                           dropout: config["model.text_encoder.dropout"]!.double!),
            wordFeatureDim: wordFeatureDim,
            audioEncoder: AudioEncoderConfig(kind: .init(rawValue: string("audio_encoder.kind"))!,
                                             layers: int("audio_encoder.layers")),
            fusion: FusionConfig(kind: .init(rawValue: string("fusion.kind"))!, heads: int("fusion.heads")),
            decoder: DecoderConfig(kind: .init(rawValue: string("decoder.kind"))!, layers: int("decoder.layers"),
                                   postnet: bool("decoder.postnet"), pitch: bool("decoder.pitch"),
                                   energy: bool("decoder.energy")),
            vocoder: VocoderConfig(iterations: int("vocoder.iterations"),
                                   momentum: config["model.vocoder.momentum"]!.double!),
            bert: bert)
    }
}
