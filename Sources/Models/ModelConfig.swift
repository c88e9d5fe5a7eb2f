import Data

/// The fusion model's shape: the `model.*` keys of an experiment file, plus what the data
/// fixes (the symbol inventory and the mel features). Plain values; the experiment schema
/// (`ExperimentSchema.model`) holds the defaults, this type holds none (``tiny`` excepted).
///
/// A checkpoint carries this configuration (as JSON), so synthesis can rebuild the model.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// `data.text`: what the symbols are, so synthesis can turn text into them.
    public enum TextKind: String, Codable, Sendable, CaseIterable { case phonemes, characters }
    public var text: TextKind
    /// The model's input symbols (phonemes or characters), index = token id; id 0 is padding.
    public var symbols: [String]
    /// Mel features the model reads (reference) and writes (output).
    public var features: MelFormat
    /// `model.dim`: width of every hidden feature.
    public var dim: Int
    public var textEncoder: TextEncoderConfig
    /// Width of the optional per-word features (a BERT hidden size); `nil`: none.
    public var wordFeatureDim: Int?
    /// The BERT fine-tuned inside the model (`model.bert.finetune`), so that a checkpoint
    /// rebuilds it and holds its weights (`bert.*`; the folder still gives the tokenizer).
    /// `nil`: word features, if any, come from a frozen encoder outside the model.
    public var bert: BERTConfig?
    public var audioEncoder: AudioEncoderConfig
    public var fusion: FusionConfig
    public var decoder: DecoderConfig
    public var vocoder: VocoderConfig
    /// The aligner trained with the model (`model.aligner`) when its durations are learned
    /// (`data.durations: learned`); `nil`: durations come with the corpus. Checkpoints carry
    /// it, so a trained model can align a corpus (`funaudio corpus align`).
    public var aligner: AlignerConfig?

    public init(text: TextKind, symbols: [String], features: MelFormat, dim: Int, textEncoder: TextEncoderConfig,
                wordFeatureDim: Int?, audioEncoder: AudioEncoderConfig, fusion: FusionConfig,
                decoder: DecoderConfig, vocoder: VocoderConfig, bert: BERTConfig? = nil, aligner: AlignerConfig? = nil) {
        self.text = text; self.symbols = symbols; self.features = features; self.dim = dim
        self.textEncoder = textEncoder; self.wordFeatureDim = wordFeatureDim
        self.audioEncoder = audioEncoder; self.fusion = fusion
        self.decoder = decoder; self.vocoder = vocoder; self.bert = bert; self.aligner = aligner
    }
}

/// `model.aligner.*`: the learned aligner (``Aligner``) and the weights of its losses.
///
/// The step's loss gains `forwardSumWeight · L_fs + w(step) · L_bin`, with `w` the
/// ``BinarizationSchedule`` of `binarizationWeight`, `binarizationStart` and `binarizationRamp`.
public struct AlignerConfig: Codable, Sendable, Equatable {
    /// Weight of the beta-binomial log prior added to the attention during training.
    public var priorWeight: Double
    public var forwardSumWeight: Double
    public var binarizationWeight: Double
    /// Optimizer step from which the binarization loss counts, and the steps of its ramp.
    public var binarizationStart: Int
    public var binarizationRamp: Int
    /// Width of the space in which phonemes and frames are compared.
    public var attentionDim: Int
    /// Scale of the squared distances (FastPitch: 0.0005).
    public var temperature: Double

    public init(priorWeight: Double = 1, forwardSumWeight: Double = 1, binarizationWeight: Double = 1,
                binarizationStart: Int = 0, binarizationRamp: Int = 100, attentionDim: Int = 80,
                temperature: Double = 0.0005) {
        self.priorWeight = priorWeight; self.forwardSumWeight = forwardSumWeight
        self.binarizationWeight = binarizationWeight; self.binarizationStart = binarizationStart
        self.binarizationRamp = binarizationRamp; self.attentionDim = attentionDim; self.temperature = temperature
    }

    /// When the binarization loss counts and how much.
    public var binarization: BinarizationSchedule {
        BinarizationSchedule(start: binarizationStart, ramp: binarizationRamp, weight: Float(binarizationWeight))
    }
}

/// `data.sample_rate` and the mel settings (`data.n_fft`, `hop`, `n_mels`, `fmin`, `fmax`)
/// of the log-mel features `ln(max(mel, floor))` (frames-major) the model reads and writes;
/// the mel analysis itself is Data's (``MelSettings``), so corpus features and synthesis
/// references agree.
public struct MelFormat: Codable, Sendable, Equatable {
    public var sampleRate: Int
    public var settings: MelSettings
    public init(sampleRate: Int, settings: MelSettings) {
        self.sampleRate = sampleRate; self.settings = settings
    }
    public var nMels: Int { settings.nMels }
}

/// `model.text_encoder.*`.
public struct TextEncoderConfig: Codable, Sendable, Equatable {
    public var layers: Int, heads: Int, ffn: Int
    public var dropout: Double
    public init(layers: Int, heads: Int, ffn: Int, dropout: Double) {
        self.layers = layers; self.heads = heads; self.ffn = ffn; self.dropout = dropout
    }
}

/// `model.audio_encoder.*`.
public struct AudioEncoderConfig: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case cnn, gru }
    public var kind: Kind
    public var layers: Int
    public init(kind: Kind, layers: Int) { self.kind = kind; self.layers = layers }
}

/// `model.fusion.*`.
public struct FusionConfig: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case attentionPool = "attention_pool", crossAttention = "cross_attention", concat, film
    }
    public var kind: Kind
    /// Heads of `cross_attention`.
    public var heads: Int
    public init(kind: Kind, heads: Int) { self.kind = kind; self.heads = heads }
}

/// `model.decoder.*`.
public struct DecoderConfig: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case conv, transformer }
    public var kind: Kind
    public var layers: Int
    public var postnet: Bool, pitch: Bool, energy: Bool
    /// With `pitch`: the harmonic comb of the pitch joins it (``HarmonicComb``).
    public var harmonics: Bool
    /// With `pitch`: voicing is predicted as its own class and pitch as a continuous curve
    /// (``FrameTargets/smoothPitch``).
    public var voicing: Bool
    /// With `voicing`: pitch is predicted relative to the reference's own level (``ReferencePitch``).
    public var relativePitch: Bool
    public init(kind: Kind, layers: Int, postnet: Bool, pitch: Bool, energy: Bool, harmonics: Bool = false,
                voicing: Bool = false, relativePitch: Bool = false) {
        self.kind = kind; self.layers = layers; self.postnet = postnet
        self.pitch = pitch; self.energy = energy; self.harmonics = harmonics; self.voicing = voicing
        self.relativePitch = relativePitch
    }

    private enum CodingKeys: String, CodingKey { case kind, layers, postnet, pitch, energy, harmonics, voicing, relativePitch }

    /// Configurations stored before `harmonics`, `voicing` and `relative_pitch` existed read as without them.
    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(Kind.self, forKey: .kind), layers: try c.decode(Int.self, forKey: .layers),
                  postnet: try c.decode(Bool.self, forKey: .postnet), pitch: try c.decode(Bool.self, forKey: .pitch),
                  energy: try c.decode(Bool.self, forKey: .energy),
                  harmonics: try c.decodeIfPresent(Bool.self, forKey: .harmonics) ?? false,
                  voicing: try c.decodeIfPresent(Bool.self, forKey: .voicing) ?? false,
                  relativePitch: try c.decodeIfPresent(Bool.self, forKey: .relativePitch) ?? false)
    }
}

/// `model.vocoder.*`: fast Griffin-Lim.
public struct VocoderConfig: Codable, Sendable, Equatable {
    public var iterations: Int
    public var momentum: Double
    public init(iterations: Int, momentum: Double) { self.iterations = iterations; self.momentum = momentum }
}

extension MelFormat {
    /// 16 mel bands at 8 kHz (n_fft 256, hop 64), for unit tests.
    public static var tiny: MelFormat {
        var settings = MelSettings()
        (settings.nFFT, settings.winLength, settings.hopLength, settings.nMels, settings.fmax) = (256, 256, 64, 16, 4000)
        return MelFormat(sampleRate: 8000, settings: settings)
    }
}

extension ModelConfig {
    /// A model small enough for unit tests (a few thousand parameters, 16 mel bands at
    /// 8 kHz). Not a default for experiments: those come from the experiment schema.
    public static func tiny(symbols: [String], fusion: FusionConfig.Kind = .crossAttention) -> ModelConfig {
        ModelConfig(text: .phonemes, symbols: symbols,
                    features: .tiny,
                    dim: 16, textEncoder: TextEncoderConfig(layers: 1, heads: 2, ffn: 32, dropout: 0.1),
                    wordFeatureDim: nil, audioEncoder: AudioEncoderConfig(kind: .cnn, layers: 2),
                    fusion: FusionConfig(kind: fusion, heads: 2),
                    decoder: DecoderConfig(kind: .conv, layers: 2, postnet: false, pitch: false, energy: false),
                    vocoder: VocoderConfig(iterations: 8, momentum: 0.99))
    }
}
