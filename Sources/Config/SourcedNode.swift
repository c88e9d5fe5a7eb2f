import Foundation
import Yams

/// Where a setting was written: a file position, or a `--set` argument.
public struct Location: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}

/// A YAML node that remembers the file and line it came from, so that a problem found after
/// `extends:` merging and `--set` overrides still points at the text the user wrote.
///
/// Yams' `Node` carries marks but not the file name, and a merged tree mixes files.
public indirect enum SourcedNode: Sendable {
    /// `plain` is false for quoted and block scalars: `'12'` is a string, `12` a number.
    case scalar(String, plain: Bool, Location)
    case mapping([Entry], Location)
    case sequence([SourcedNode], Location)

    public struct Entry: Sendable {
        public var key: String
        public var keyLocation: Location
        public var value: SourcedNode
    }

    public var location: Location {
        switch self {
        case .scalar(_, _, let l), .mapping(_, let l), .sequence(_, let l): l
        }
    }

    /// A plain `~`, `null` or empty scalar: the key is present but unset.
    var isNull: Bool {
        if case .scalar(let s, true, _) = self { return s.isEmpty || s == "~" || s == "null" }
        return false
    }

    /// Parses YAML text; `file` names it in every location.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SourcedNode {
        try checkAliasExpansion(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError([yamlIssue(error, file: file)])
        } catch {
            throw ConfigError([Issue(Location(file: file, line: 0, column: 0), "", "\(error)")])
        }
        guard let node else { return .mapping([], Location(file: file, line: 1, column: 1)) }
        return try convert(node, file: file)
    }

    /// Reads and parses a file.
    public static func load(_ path: String) throws(ConfigError) -> SourcedNode {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError([Issue(Location(file: path, line: 0, column: 0), "",
                                     "cannot read the file; check the path and its permissions")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError([Issue(Location(file: path, line: 0, column: 0), "",
                                     "the file is not UTF-8 text")])
        }
        return try parse(text, file: path)
    }

    private static func convert(_ node: Node, file: String) throws(ConfigError) -> SourcedNode {
        func location(_ mark: Mark?) -> Location {
            Location(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0)
        }
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any,
                           location(scalar.mark))
        case .sequence(let sequence):
            var items: [SourcedNode] = []
            for item in sequence { items.append(try convert(item, file: file)) }
            return .sequence(items, location(sequence.mark))
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                guard let name = key.scalar?.string else {
                    throw ConfigError([Issue(location(key.mark), "", "a key must be plain text")])
                }
                entries.append(Entry(key: name, keyLocation: location(key.mark),
                                     value: try convert(value, file: file)))
            }
            return .mapping(entries, location(mapping.mark))
        case .alias:
            // Yams resolves aliases while composing (`checkAliasExpansion` has bounded what
            // they stand for); an unresolved one has no value to give.
            throw ConfigError([Issue(location(node.mark), "", "unresolved YAML alias")])
        }
    }

    private static func yamlIssue(_ error: YamlError, file: String) -> Issue {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.joined(separator: " ")
            return Issue(Location(file: file, line: mark.line, column: mark.column), "",
                         "malformed YAML: \(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Issue(Location(file: file, line: context.mark.line, column: context.mark.column),
                         "", "duplicate key '\(duplicates.first ?? "")'; keep only one")
        default:
            return Issue(Location(file: file, line: 0, column: 0), "", "malformed YAML: \(error)")
        }
    }
}

extension SourcedNode {
    /// Where the value at a dotted path was written, or where its nearest written parent was:
    /// checks that span several keys (`fmax ≤ sample_rate / 2`) still point at the file.
    public func location(at path: String) -> Location {
        var node = self
        for component in path.split(separator: ".").map(String.init) {
            switch node {
            case .mapping(let entries, _):
                guard let entry = entries.last(where: { $0.key == component }) else { return node.location }
                node = entry.value
            case .sequence(let items, _):
                guard let index = Int(component), items.indices.contains(index) else { return node.location }
                node = items[index]
            case .scalar:
                return node.location
            }
        }
        return node.location
    }

    /// This mapping without `key`, and the removed value.
    public func removing(_ key: String) -> (SourcedNode, SourcedNode?) {
        guard case .mapping(var entries, let location) = self,
              let index = entries.firstIndex(where: { $0.key == key }) else { return (self, nil) }
        let removed = entries.remove(at: index)
        return (.mapping(entries, location), removed.value)
    }
}
