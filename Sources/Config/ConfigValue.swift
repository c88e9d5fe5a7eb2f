import Foundation

/// A validated configuration value: what an experiment file's keys resolve to once defaults,
/// `extends:` and `--set` overrides are applied.
///
/// Mappings keep no order of their own: every rendering sorts keys, so the same settings
/// always give the same text and hash, whatever order the file listed them in.
public enum ConfigValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([ConfigValue])
    case map([String: ConfigValue])

    /// The value at a dotted path (`model.fusion.kind`, `cells.2.kind`), or nil.
    public subscript(path: String) -> ConfigValue? {
        var value: ConfigValue? = self
        for component in path.split(separator: ".") {
            switch value {
            case .map(let map)?: value = map[String(component)]
            case .list(let items)?:
                guard let index = Int(component), items.indices.contains(index) else { return nil }
                value = items[index]
            default: return nil
            }
        }
        return value
    }

    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var int: Int? { if case .int(let i) = self { i } else { nil } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var list: [ConfigValue]? { if case .list(let l) = self { l } else { nil } }
    public var map: [String: ConfigValue]? { if case .map(let m) = self { m } else { nil } }
    /// Integers widen to doubles: `lr: 1` is a valid learning rate.
    public var double: Double? {
        switch self {
        case .double(let d): d
        case .int(let i): Double(i)
        default: nil
        }
    }

    /// Scalar leaves under dotted keys, for the `params` table and for comparing runs.
    /// Lists of scalars stay one leaf (their JSON text); lists of mappings are indexed.
    public func flattened(prefix: String = "") -> [(key: String, value: ConfigValue)] {
        func join(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
        switch self {
        case .map(let map):
            return map.keys.sorted().flatMap { map[$0]!.flattened(prefix: join($0)) }
        case .list(let items) where items.contains(where: { $0.map != nil }):
            return items.enumerated().flatMap { $1.flattened(prefix: join(String($0))) }
        default:
            return [(prefix, self)]
        }
    }

    /// Compact JSON with sorted keys: the canonical text that is stored and hashed.
    public var canonicalJSON: String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .double(let d): d.isFinite ? "\(d)" : "null"
        case .string(let s): jsonQuoted(s)
        case .list(let items): "[" + items.map(\.canonicalJSON).joined(separator: ",") + "]"
        case .map(let map):
            "{" + map.keys.sorted().map { jsonQuoted($0) + ":" + map[$0]!.canonicalJSON }
                .joined(separator: ",") + "}"
        }
    }

    /// How the value reads in a message or a table cell.
    public var displayText: String {
        switch self {
        case .string(let s): s
        case .null: "null"
        default: canonicalJSON
        }
    }
}

/// A JSON string literal, by Foundation's encoder (quotes, backslashes, control characters).
func jsonQuoted(_ s: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    return String(decoding: try! encoder.encode(s), as: UTF8.self)  // a String always encodes
}
