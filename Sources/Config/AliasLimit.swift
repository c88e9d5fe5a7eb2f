import CYaml

/// The most values a document may stand for once its aliases are expanded. Experiment files
/// have hundreds; a "billion laughs" file of a dozen lines has 9^10.
let aliasExpansionLimit = 100_000

/// Refuses a document whose aliases expand past `aliasExpansionLimit`, counted from libyaml's
/// events (the same parser Yams uses) before anything is built: each anchor's expanded size
/// is recorded once and an alias adds it, so the count costs one pass over the text however
/// large the expansion. Yams itself would expand a bomb while comparing aliased keys, and
/// converting to `SourcedNode` copies every aliased subtree.
///
/// Malformed text passes: Yams reports it with a better message.
func checkAliasExpansion(_ text: String, file: String) throws(ConfigError) {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return }
    defer { yaml_parser_delete(&parser) }
    let bytes = Array(text.utf8)
    try bytes.withUnsafeBufferPointer { (buffer) throws(ConfigError) in
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        var anchored: [String: Int] = [:]
        // One open collection per level: its anchor and the values counted so far.
        var open: [(anchor: String?, count: Int)] = [(nil, 0)]
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let added: Int
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                if let anchor = event.data.scalar.anchor { anchored[String(cString: anchor)] = 1 }
                added = 1
            case YAML_SEQUENCE_START_EVENT:
                open.append((event.data.sequence_start.anchor.map { String(cString: $0) }, 1))
                continue
            case YAML_MAPPING_START_EVENT:
                open.append((event.data.mapping_start.anchor.map { String(cString: $0) }, 1))
                continue
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard open.count > 1 else { continue }
                let closed = open.removeLast()
                if let anchor = closed.anchor { anchored[anchor] = closed.count }
                added = closed.count
            case YAML_ALIAS_EVENT:
                added = event.data.alias.anchor.flatMap { anchored[String(cString: $0)] } ?? 1
            default:
                continue
            }
            open[open.count - 1].count += added
            if open[open.count - 1].count > aliasExpansionLimit {
                let mark = event.start_mark
                throw ConfigError([Issue(
                    Location(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1), "",
                    "YAML aliases expand to more than \(aliasExpansionLimit) values here; "
                        + "write the values out or use fewer aliases")])
            }
        }
    }
}
