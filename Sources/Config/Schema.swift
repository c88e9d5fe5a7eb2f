/// The declared shape of a configuration: every key, its type, default, range and meaning.
///
/// One declaration serves validation, defaults, the `--set` and `sweep:` checks, and the
/// generated documentation, so the four can never disagree.
public struct Section: Sendable {
    public var doc: String
    public var fields: [Field]

    public init(_ doc: String, _ fields: [Field]) {
        self.doc = doc
        self.fields = fields
    }

    public init(_ fields: [Field]) { self.init("", fields) }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

public struct Field: Sendable {
    public var name: String
    public var kind: Kind
    /// nil: the key is required. `.null`: optional, unset unless given.
    public var defaultValue: ConfigValue?
    public var doc: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ConfigValue?, _ doc: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.doc = doc
    }

    /// A nested section; its own fields carry the defaults.
    public static func section(_ name: String, _ section: Section) -> Field {
        Field(name, .section(section), default: .map([:]), section.doc)
    }
}

public indirect enum Kind: Sendable {
    case bool
    case int(ClosedRange<Int>)
    case double(ClosedRange<Double>)
    case string
    case choice([String])
    /// A file path, relative to the file that names it (`~/` is the home folder); it must exist.
    case path
    /// `keyword`, or a path as ``path`` (`data.corpus`: `builtin` or a corpus folder).
    case keywordOrPath(String)
    case list(Kind)
    case section(Section)
    /// A mapping whose `tag` key picks one of several sections (notebook cells by `kind`).
    case tagged(tag: String, variants: [(name: String, section: Section)])

    /// How the kind reads in documentation and messages.
    public var summary: String {
        switch self {
        case .bool: "true or false"
        case .int(let r): "integer in \(r.lowerBound)…\(r.upperBound == .max ? "∞" : String(r.upperBound))"
        case .double(let r): "number in \(format(r.lowerBound))…\(format(r.upperBound))"
        case .string: "text"
        case .choice(let options): "one of " + options.joined(separator: ", ")
        case .path: "file path (relative to the experiment file)"
        case .keywordOrPath(let keyword): "`\(keyword)` or a path (relative to the experiment file)"
        case .list(let item): "list of \(item.summary)"
        case .section: "section"
        case .tagged(let tag, let variants):
            "sections with `\(tag)`: " + variants.map(\.name).joined(separator: ", ")
        }
    }
}

private func format(_ d: Double) -> String {
    d == .infinity ? "∞" : d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
}
