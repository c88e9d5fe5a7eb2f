import Config
import Data
import Foundation
import Models

/// One resolved experiment, typed: the tree the rest of FunAudio reads its settings from.
///
/// Decoded once from the configuration the schema has validated and filled with defaults
/// (``ExperimentSchema``), so every property is present and in range. A new knob is written
/// twice: its schema field (with its doc) and its property here or in the Models type the
/// section decodes into (`train:` is ``TrainConfig``, `model.decoder:` is ``DecoderConfig``…).
public struct ExperimentSettings: Decodable, Sendable {
    public var name: String
    public var description: String
    public var seed: Int
    public var data: DataSettings
    public var model: ModelSettings
    public var train: TrainConfig
    public var cells: [Cell]

    /// Decodes a resolved configuration. The trainer also needs the run's `seed` and, when
    /// BERT is fine-tuned, its learning-rate scale: both live outside `train:` in the file.
    public init(_ config: ConfigValue) throws {
        guard case .map(var root) = config, case .map(var train)? = root["train"] else {
            self = try config.decode(Self.self)  // not a resolved experiment: the decoder says what is missing
            return
        }
        train["seed"] = root["seed"]
        let model = try config["model"].map { try $0.decode(ModelSettings.self) }
        if let model, model.fineTunesBERT { train["bertLRScale"] = .double(model.bert.lrScale) }
        root["train"] = .map(train)
        self = try ConfigValue.map(root).decode(Self.self)
    }
}

/// `data:`: the corpus and its features.
public struct DataSettings: Decodable, Sendable {
    /// `builtin` or the absolute path of an LJSpeech-layout folder (the schema resolves a
    /// relative one against the experiment file, or the current folder for `--set`).
    public var corpus: String
    public var builtin: BuiltIn
    public var text: ModelConfig.TextKind
    public var sampleRate: Int
    public var nFft: Int
    public var hop: Int
    public var nMels: Int
    public var fmin: Double
    public var fmax: Double
    /// Fraction of utterances held out for validation.
    public var validation: Double
    public var heldOutSpeakers: Int
    public var skipBad: Bool
    public var durations: Durations

    /// `data.durations`: where phoneme durations come from.
    public enum Durations: String, Decodable, Sendable, CaseIterable { case auto, file, learned }

    /// `data.builtin:`: size of the built-in corpus.
    public struct BuiltIn: Decodable, Sendable {
        public var utterances: Int
        public var speakers: Int
    }

    /// The corpus folder; nil for the built-in corpus, whose folder is built on demand.
    public var corpusFolder: URL? { corpus == "builtin" ? nil : URL(fileURLWithPath: corpus) }

    /// Whether the model learns the durations with its aligner: `learned`, or `auto` on a
    /// corpus folder without durations.jsonl (the built-in corpus has durations).
    public var learnsDurations: Bool {
        switch durations {
        case .file: false
        case .learned: true
        case .auto:
            corpusFolder.map { !FileManager.default.fileExists(atPath: $0.appendingPathComponent(DurationsFile.name).path) }
                ?? false
        }
    }

    /// Whether training reads phoneme durations from the corpus (every item needs them).
    public var needsDurations: Bool { !learnsDurations }

    /// The mel analysis these settings ask for (window = `n_fft`; power and floor are Data's).
    public var mel: MelSettings {
        var settings = MelSettings()
        (settings.nFFT, settings.winLength, settings.hopLength) = (nFft, nFft, hop)
        (settings.nMels, settings.fmin, settings.fmax) = (nMels, fmin, fmax)
        return settings
    }
}

/// `model:`: the fusion model's shape, less what the prepared data fixes (symbols, features).
public struct ModelSettings: Decodable, Sendable {
    public var dim: Int
    public var textEncoder: TextEncoderConfig
    public var bert: BERT
    public var audioEncoder: AudioEncoderConfig
    public var fusion: FusionConfig
    public var decoder: DecoderConfig
    public var vocoder: VocoderConfig
    /// Used only when the durations are learned (``DataSettings/learnsDurations``).
    public var aligner: AlignerConfig

    /// `model.bert:`: an optional pretrained encoder giving word features.
    public struct BERT: Decodable, Sendable {
        /// A Hugging Face folder; nil: no BERT.
        public var path: String?
        public var finetune: Bool
        public var lrScale: Double
    }

    /// BERT is trained with the model (`finetune` with an encoder to fine-tune).
    public var fineTunesBERT: Bool { bert.finetune && bert.path != nil }

    /// The model's full configuration once the data has fixed its symbols and features
    /// (`bert`: the encoder the model fine-tunes, nil if frozen or absent; `learnsDurations`:
    /// the model gets the ``aligner``).
    public func config(text: ModelConfig.TextKind, symbols: [String], features: MelFormat,
                       wordFeatureDim: Int?, bert: BERTConfig?, learnsDurations: Bool = false) -> ModelConfig {
        ModelConfig(text: text, symbols: symbols, features: features, dim: dim, textEncoder: textEncoder,
                    wordFeatureDim: wordFeatureDim, audioEncoder: audioEncoder, fusion: fusion,
                    decoder: decoder, vocoder: vocoder, bert: bert, aligner: learnsDurations ? aligner : nil)
    }
}
