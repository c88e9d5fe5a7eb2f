import Foundation

extension SourcedNode {
    /// Loads a file and, recursively, the files it `extends:`; keys in the extending file win.
    ///
    /// `extends` takes a path relative to the file naming it. Sections merge key by key; a
    /// scalar or list replaces the inherited one whole.
    public static func loadResolvingExtends(_ path: String) throws(ConfigError) -> SourcedNode {
        var chain: [String] = []
        return try loadExtending(path, chain: &chain)
    }

    private static func loadExtending(_ path: String, chain: inout [String]) throws(ConfigError) -> SourcedNode {
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        guard !chain.contains(canonical) else {
            throw ConfigError([Issue(Location(file: path, line: 0, column: 0), "extends",
                                     "cycle: " + (chain + [canonical]).joined(separator: " → "))])
        }
        chain.append(canonical)
        let node = try load(path)
        guard case .mapping(var entries, let location) = node,
              let index = entries.firstIndex(where: { $0.key == "extends" }) else { return node }
        let entry = entries.remove(at: index)
        guard case .scalar(let parentName, _, let parentLocation) = entry.value else {
            throw ConfigError([Issue(entry.value.location, "extends", "expected a file path")])
        }
        let parentPath = parentName.hasPrefix("/") ? parentName
            : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(parentName).path
        guard FileManager.default.fileExists(atPath: parentPath) else {
            throw ConfigError([Issue(parentLocation, "extends",
                                     "file '\(parentName)' does not exist (looked for \(parentPath))")])
        }
        let parent = try loadExtending(parentPath, chain: &chain)
        return parent.merged(with: .mapping(entries, location))
    }

    /// This tree with `other`'s keys laid over it.
    public func merged(with other: SourcedNode) -> SourcedNode {
        guard case .mapping(var entries, _) = self, case .mapping(let overrides, let location) = other else {
            return other
        }
        for override in overrides {
            if let index = entries.firstIndex(where: { $0.key == override.key }) {
                entries[index].value = entries[index].value.merged(with: override.value)
                entries[index].keyLocation = override.keyLocation
            } else {
                entries.append(override)
            }
        }
        return .mapping(entries, location)
    }

    /// This tree with the value at a dotted path replaced, creating sections on the way.
    /// A numeric component indexes into a list (`cells.2.sentences`).
    public func setting(_ path: [String], to value: SourcedNode) throws(ConfigError) -> SourcedNode {
        guard let head = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch self {
        case .sequence(var items, let location):
            guard let index = Int(head), items.indices.contains(index) else {
                throw ConfigError([Issue(value.location, path.joined(separator: "."),
                                         "no list item \(head); the list has \(items.count)")])
            }
            items[index] = try items[index].setting(rest, to: value)
            return .sequence(items, location)
        case .mapping(var entries, let location):
            if let index = entries.lastIndex(where: { $0.key == head }) {
                entries[index].value = try entries[index].value.setting(rest, to: value)
            } else {
                let empty = SourcedNode.mapping([], value.location)
                entries.append(Entry(key: head, keyLocation: value.location,
                                     value: try empty.setting(rest, to: value)))
            }
            return .mapping(entries, location)
        case .scalar:
            return try SourcedNode.mapping([], location).setting(path, to: value)
        }
    }
}

/// One `--set key.path=value` from the command line. The value is read as YAML, so
/// `--set data.speakers=[a,b]` gives a list and `--set train.lr=3e-4` a number.
public struct Override: Sendable {
    public var keyPath: String
    public var value: SourcedNode

    public init(keyPath: String, value: SourcedNode) {
        self.keyPath = keyPath
        self.value = value
    }

    public init(parsing argument: String) throws(ConfigError) {
        let origin = Location(file: "--set \(argument)", line: 0, column: 0)
        guard let equals = argument.firstIndex(of: "="),
              case let key = argument[..<equals].trimmingCharacters(in: .whitespaces), !key.isEmpty
        else {
            throw ConfigError([Issue(origin, "", "expected KEY=VALUE, e.g. --set model.fusion.kind=film")])
        }
        let text = String(argument[argument.index(after: equals)...])
        var value = text.trimmingCharacters(in: .whitespaces).isEmpty
            ? SourcedNode.scalar("", plain: true, origin)
            : try SourcedNode.parse(text, file: origin.file)
        value.relocate(to: origin)
        self.init(keyPath: key, value: value)
    }

    /// Applies the override, refusing keys the schema does not know.
    public func apply(to node: SourcedNode, schema: Section) throws(ConfigError) -> SourcedNode {
        guard schema.kind(at: keyPath) != nil else {
            throw ConfigError([Issue(value.location, keyPath,
                                     "unknown key" + suggestion(for: keyPath, in: schema.keyPaths))])
        }
        return try node.setting(keyPath.split(separator: ".").map(String.init), to: value)
    }
}

extension SourcedNode {
    /// Gives every node the same origin: a value parsed from `--set` has no file of its own.
    mutating func relocate(to location: Location) {
        switch self {
        case .scalar(let s, let plain, _): self = .scalar(s, plain: plain, location)
        case .sequence(var items, _):
            for i in items.indices { items[i].relocate(to: location) }
            self = .sequence(items, location)
        case .mapping(var entries, _):
            for i in entries.indices {
                entries[i].keyLocation = location
                entries[i].value.relocate(to: location)
            }
            self = .mapping(entries, location)
        }
    }
}
