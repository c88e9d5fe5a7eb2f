extension Section {
    /// The schema as Markdown: one table per section with every key, its type or range, its
    /// default and its meaning. `docs/experiments.md` is generated from this, so the reference
    /// cannot drift from what the validator accepts.
    public func markdown(title: String, level: Int = 2) -> String {
        var out = String(repeating: "#", count: level) + " `\(title)`\n\n"
        if !doc.isEmpty { out += doc + "\n\n" }
        let leaves = fields.filter { if case .section = $0.kind { false } else { true } }
        if !leaves.isEmpty {
            out += "| key | type | default | meaning |\n|---|---|---|---|\n"
            for field in leaves {
                let defaultText = field.defaultValue.map { value in
                    value == .null ? "unset" : value == .string("") ? "empty" : "`\(value.displayText)`"
                } ?? "**required**"
                out += "| `\(field.name)` | \(field.kind.summary) | \(defaultText) | \(field.doc) |\n"
            }
            out += "\n"
        }
        for field in fields {
            if case .section(let inner) = field.kind {
                out += inner.markdown(title: title.isEmpty ? field.name : "\(title).\(field.name)",
                                      level: level + 1)
            }
            if case .list(.tagged(let tag, let variants)) = field.kind {
                for variant in variants {
                    out += variant.section.markdown(title: "\(field.name)[\(tag): \(variant.name)]",
                                                    level: level + 1)
                }
            }
        }
        return out
    }
}
