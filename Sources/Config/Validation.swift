import Foundation

extension Section {
    /// Checks a configuration tree against this schema and fills in defaults.
    ///
    /// Every problem is collected (unknown key with the closest valid name, wrong type, value
    /// out of range, missing required key or file) and thrown together as one `ConfigError`.
    public func resolve(_ node: SourcedNode) throws(ConfigError) -> ConfigValue {
        var validator = Validator()
        let value = validator.section(self, node, path: "")
        if !validator.issues.isEmpty { throw ConfigError(validator.issues) }
        return value
    }

    /// The kind declared at a dotted key path, for checking `--set` and sweep keys before use.
    public func kind(at path: String) -> Kind? {
        var kind: Kind = .section(self)
        for component in path.split(separator: ".").map(String.init) {
            switch kind {
            case .section(let section):
                guard let field = section.field(component) else { return nil }
                kind = field.kind
            case .list(let item) where Int(component) != nil:
                kind = item
            case .tagged(let tag, let variants):
                // Any variant's key is accepted here; the resolved item is checked in full.
                if component == tag { kind = .choice(variants.map(\.name)); continue }
                guard let field = variants.lazy.compactMap({ $0.section.field(component) }).first else { return nil }
                kind = field.kind
            default:
                return nil
            }
        }
        return kind
    }

    /// Every dotted key this schema accepts at the top of a section chain (not inside lists).
    public var keyPaths: [String] {
        fields.flatMap { field -> [String] in
            if case .section(let inner) = field.kind {
                return inner.keyPaths.map { "\(field.name).\($0)" }
            }
            return [field.name]
        }
    }
}

private struct Validator {
    var issues: [Issue] = []

    mutating func report(_ location: Location, _ path: String, _ message: String) {
        issues.append(Issue(location, path, message))
    }

    mutating func section(_ section: Section, _ node: SourcedNode?, path: String) -> ConfigValue {
        var entries: [SourcedNode.Entry] = []
        if let node, !node.isNull {
            guard case .mapping(let given, _) = node else {
                report(node.location, path, "expected a section of keys, found \(describe(node))")
                return .null
            }
            entries = given
        }
        let names = section.fields.map(\.name)
        for entry in entries where section.field(entry.key) == nil {
            report(entry.keyLocation, join(path, entry.key),
                   "unknown key" + suggestion(for: entry.key, in: names))
        }
        var result: [String: ConfigValue] = [:]
        for field in section.fields {
            let given = entries.last { $0.key == field.name }?.value
            let fieldPath = join(path, field.name)
            if let given, !given.isNull {
                result[field.name] = value(field.kind, given, path: fieldPath)
            } else if case .section(let inner) = field.kind {
                result[field.name] = self.section(inner, nil, path: fieldPath)
            } else if let defaultValue = field.defaultValue {
                result[field.name] = defaultValue
            } else {
                report(given?.location ?? node?.location ?? Location(file: "", line: 0, column: 0),
                       fieldPath, "missing required key (\(field.kind.summary)): \(field.doc)")
            }
        }
        return .map(result)
    }

    mutating func value(_ kind: Kind, _ node: SourcedNode, path: String) -> ConfigValue {
        switch kind {
        case .section(let inner):
            return section(inner, node, path: path)
        case .list(let item):
            guard case .sequence(let items, _) = node else {
                report(node.location, path, "expected a list, found \(describe(node))")
                return .null
            }
            return .list(items.enumerated().map { value(item, $1, path: join(path, String($0))) })
        case .tagged(let tag, let variants):
            return tagged(tag, variants, node, path: path)
        default:
            guard case .scalar(let text, let plain, let location) = node else {
                report(node.location, path, "expected \(kind.summary), found \(describe(node))")
                return .null
            }
            return scalar(kind, text, plain: plain, location: location, path: path)
        }
    }

    mutating func tagged(_ tag: String, _ variants: [(name: String, section: Section)],
                         _ node: SourcedNode, path: String) -> ConfigValue {
        guard case .mapping(let entries, let location) = node else {
            report(node.location, path, "expected a section with `\(tag)`, found \(describe(node))")
            return .null
        }
        let names = variants.map(\.name)
        guard let tagEntry = entries.last(where: { $0.key == tag }),
              case .scalar(let name, _, let tagLocation) = tagEntry.value else {
            report(location, join(path, tag), "missing; one of " + names.joined(separator: ", "))
            return .null
        }
        guard let variant = variants.first(where: { $0.name == name }) else {
            report(tagLocation, join(path, tag),
                   "'\(name)' is not one of \(names.joined(separator: ", "))" + suggestion(for: name, in: names))
            return .null
        }
        let withTag = Section(variant.section.doc,
                              [Field(tag, .choice(names), default: nil, "")] + variant.section.fields)
        return section(withTag, node, path: path)
    }

    mutating func scalar(_ kind: Kind, _ text: String, plain: Bool, location: Location,
                         path: String) -> ConfigValue {
        func wrongType() -> ConfigValue {
            report(location, path, "expected \(kind.summary), found '\(text)'")
            return .null
        }
        switch kind {
        case .bool:
            guard plain, text == "true" || text == "false" else { return wrongType() }
            return .bool(text == "true")
        case .int(let range):
            guard plain, let i = Int(text.replacingOccurrences(of: "_", with: "")) else { return wrongType() }
            guard range.contains(i) else {
                report(location, path, "\(i) is out of range; expected \(kind.summary)")
                return .int(i)
            }
            return .int(i)
        case .double(let range):
            guard plain, let d = Double(text.replacingOccurrences(of: "_", with: "")), d.isFinite else {
                return wrongType()
            }
            guard range.contains(d) else {
                report(location, path, "\(text) is out of range; expected \(kind.summary)")
                return .double(d)
            }
            return .double(d)
        case .string:
            return .string(text)
        case .choice(let options):
            guard options.contains(text) else {
                report(location, path, "'\(text)' is not \(kind.summary)" + suggestion(for: text, in: options))
                return .string(text)
            }
            return .string(text)
        case .keywordOrPath(let keyword) where text == keyword:
            return .string(text)
        case .path, .keywordOrPath:
            // Paths in a file are relative to that file; those given with --set, to the shell.
            let base = location.line > 0
                ? URL(fileURLWithPath: location.file).deletingLastPathComponent()
                : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let expanded = (text as NSString).expandingTildeInPath
            let resolved = expanded.hasPrefix("/") ? expanded : base.appendingPathComponent(expanded).standardizedFileURL.path
            if !FileManager.default.fileExists(atPath: resolved) {
                report(location, path, "file '\(text)' does not exist (looked for \(resolved))")
            }
            return .string(resolved)
        case .list, .section, .tagged:
            return wrongType()
        }
    }
}

private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

private func describe(_ node: SourcedNode) -> String {
    switch node {
    case .scalar(let s, _, _): "'\(s)'"
    case .mapping: "a section"
    case .sequence: "a list"
    }
}
