import Config

/// One notebook cell of an experiment file: what it does, with its own settings.
public enum Cell: Decodable, Sendable, Equatable {
    /// Text for the report.
    case markdown(text: String)
    /// Build or load the corpus and its features.
    case prepare
    /// Train the model with the `train:` settings.
    case train
    /// Train a neural vocoder on the corpus audio.
    case trainVocoder(VocoderCellSettings)
    /// Score `utterances` held-out utterances of seen and unseen voices; `vocoder` (a run or a
    /// checkpoint file of a `train_vocoder` cell) speaks the examples instead of Griffin-Lim.
    case evaluate(utterances: Int, vocoder: String? = nil)
    /// Speak `sentences` in the voice of `reference` (a wav), or of a held-out speaker.
    case synthesize(sentences: [String], reference: String?, vocoder: String? = nil)
    /// Put this run beside the runs named (ids or experiment names) or selected by `query`.
    case compare(runs: [String], query: String?)

    /// The `kind:` of a cell; the schema's list of cell kinds is this enum's cases.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case markdown, prepare, train, evaluate, synthesize, compare
        case trainVocoder = "train_vocoder"
    }

    public var kind: Kind {
        switch self {
        case .markdown: .markdown
        case .prepare: .prepare
        case .train: .train
        case .trainVocoder: .trainVocoder
        case .evaluate: .evaluate
        case .synthesize: .synthesize
        case .compare: .compare
        }
    }

    /// Whether the cell's output depends on the model and training settings (not only on
    /// the data), which decides what its cache key covers.
    var dependsOnModel: Bool { kind != .prepare && kind != .markdown }

    private enum Keys: String, CodingKey { case kind, text, utterances, sentences, reference, runs, query, vocoder }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self = switch try c.decode(Kind.self, forKey: .kind) {
        case .markdown: .markdown(text: try c.decode(String.self, forKey: .text))
        case .prepare: .prepare
        case .train: .train
        case .trainVocoder: .trainVocoder(try VocoderCellSettings(from: decoder))
        case .evaluate: .evaluate(utterances: try c.decode(Int.self, forKey: .utterances),
                                  vocoder: try c.decodeIfPresent(String.self, forKey: .vocoder))
        case .synthesize: .synthesize(sentences: try c.decode([String].self, forKey: .sentences),
                                      reference: try c.decodeIfPresent(String.self, forKey: .reference),
                                      vocoder: try c.decodeIfPresent(String.self, forKey: .vocoder))
        case .compare: .compare(runs: try c.decode([String].self, forKey: .runs),
                                query: try c.decodeIfPresent(String.self, forKey: .query))
        }
    }
}
