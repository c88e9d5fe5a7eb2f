import Foundation

/// A small Markdown renderer with raw HTML disabled: every character of the input reaches
/// the page escaped, and only the markup below is produced.
///
/// Why not a Markdown package: Ink (the one in the package mirror) passes raw HTML through
/// by design, and it is not on the project's list of allowed packages. Experiment notes need
/// little, so this handles a well-tested subset:
///
/// - blocks: `#`…`######` headings, paragraphs (blank-line separated), `-`/`*`/`+` and
///   `1.` lists (one level), `>` quotes, ```` ``` ```` fenced code, `---` rules, and pipe
///   tables (a `| a | b |` header row, a `|---|---|` rule, then `|` rows; no alignment);
/// - inline: `` `code` ``, `**strong**`, `*em*`/`_em_`, `[text](url)` where the URL is
///   relative or `http(s):`/`mailto:` (anything else, e.g. `javascript:`, stays text).
///
/// Anything else, including `<tags>`, shows as the literal text the author wrote.
public enum Markdown {
    public static func html(_ source: String) -> String {
        var out = ""
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        var paragraph: [String] = []

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + inline(paragraph.joined(separator: "\n")) + "</p>\n"
            paragraph = []
        }

        while let line = lines.popFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                flushParagraph()
            } else if trimmed.hasPrefix("```") {
                flushParagraph()
                var code: [String] = []
                while let next = lines.popFirst(),
                      !next.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    code.append(next)
                }
                out += "<pre><code>" + escape(code.joined(separator: "\n")) + "</code></pre>\n"
            } else if let (level, text) = heading(trimmed) {
                flushParagraph()
                out += "<h\(level)>" + inline(text) + "</h\(level)>\n"
            } else if trimmed.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" || $0 == " " }),
                      trimmed.filter({ $0 != " " }).count >= 3 {
                flushParagraph()
                out += "<hr>\n"
            } else if trimmed.hasPrefix(">") {
                flushParagraph()
                var quoted = [String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)]
                while let next = lines.first?.trimmingCharacters(in: .whitespaces),
                      next.hasPrefix(">") {
                    quoted.append(String(next.dropFirst()).trimmingCharacters(in: .whitespaces))
                    lines.removeFirst()
                }
                out += "<blockquote>" + html(quoted.joined(separator: "\n")) + "</blockquote>\n"
            } else if let (ordered, first) = listItem(trimmed) {
                flushParagraph()
                var items = [first]
                while let next = lines.first?.trimmingCharacters(in: .whitespaces),
                      let (sameKind, text) = listItem(next), sameKind == ordered {
                    items.append(text)
                    lines.removeFirst()
                }
                let tag = ordered ? "ol" : "ul"
                out += "<\(tag)>" + items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>\n"
            } else if trimmed.hasPrefix("|"), let next = lines.first, isTableRule(next) {
                flushParagraph()
                lines.removeFirst()
                var rows: [String] = []
                while let row = lines.first?.trimmingCharacters(in: .whitespaces), row.hasPrefix("|") {
                    rows.append(row)
                    lines.removeFirst()
                }
                out += "<table><thead><tr>" + tableCells(trimmed).map { "<th>" + inline($0) + "</th>" }.joined()
                    + "</tr></thead><tbody>"
                    + rows.map { "<tr>" + tableCells($0).map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>" }.joined()
                    + "</tbody></table>\n"
            } else {
                paragraph.append(trimmed)
            }
        }
        flushParagraph()
        return out
    }

    /// `|---|:--:|` under a table's header row.
    private static func isTableRule(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("|") && t.contains("-") && t.allSatisfy { "|-: ".contains($0) }
    }

    /// `| a | b |` → ["a", "b"].
    private static func tableCells(_ row: String) -> [String] {
        var cells = row.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if cells.first == "" { cells.removeFirst() }
        if cells.last == "" { cells.removeLast() }
        return cells
    }

    /// `## Title` → (2, "Title").
    private static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (hashes, rest.trimmingCharacters(in: .whitespaces))
    }

    /// `- item` → (false, "item"); `3. item` → (true, "item").
    private static func listItem(_ line: String) -> (Bool, String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        let rest = line.dropFirst(digits.count)
        if !digits.isEmpty, digits.count <= 9, rest.hasPrefix(". ") {
            return (true, String(rest.dropFirst(2)))
        }
        return nil
    }

    /// Inline markup over escaped text. Works on characters; markers that do not close
    /// stay literal.
    static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func find(_ marker: [Character], from start: Int) -> Int? {
            var j = start
            while j + marker.count <= chars.count {
                if marker.indices.allSatisfy({ chars[j + $0] == marker[$0] }) { return j }
                j += 1
            }
            return nil
        }
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]()#+-.!>".contains(chars[i + 1]) {
                out += escape(String(chars[i + 1]))
                i += 2
            } else if c == "`", let close = find(["`"], from: i + 1) {
                out += "<code>" + escape(String(chars[(i + 1)..<close])) + "</code>"
                i = close + 1
            } else if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] == c,
                      let close = find([c, c], from: i + 2), close > i + 2 {
                out += "<strong>" + inline(String(chars[(i + 2)..<close])) + "</strong>"
                i = close + 2
            } else if (c == "*" || c == "_"), i + 1 < chars.count, chars[i + 1] != " ",
                      let close = find([c], from: i + 1), close > i + 1 {
                out += "<em>" + inline(String(chars[(i + 1)..<close])) + "</em>"
                i = close + 1
            } else if c == "[", let closeText = find(["]", "("], from: i + 1),
                      let closeURL = find([")"], from: closeText + 2) {
                let label = String(chars[(i + 1)..<closeText])
                let url = String(chars[(closeText + 2)..<closeURL]).trimmingCharacters(in: .whitespaces)
                if isSafeLink(url) {
                    out += "<a href=\"" + escape(url) + "\">" + inline(label) + "</a>"
                } else {
                    out += escape("[") + inline(label) + escape("](" + url + ")")
                }
                i = closeURL + 1
            } else if c == "\n" {
                out += "\n"
                i += 1
            } else {
                out += escape(String(c))
                i += 1
            }
        }
        return out
    }

    /// Relative links (no scheme) and http, https and mailto links; nothing that runs code.
    static func isSafeLink(_ url: String) -> Bool {
        guard !url.isEmpty, !url.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            return false
        }
        let lower = url.lowercased()
        if let colon = lower.firstIndex(of: ":") {
            let scheme = lower[..<colon]
            // A colon after a slash, `?` or `#` belongs to the path, not a scheme.
            if !scheme.contains(where: { "/?#".contains($0) }) {
                return ["http", "https", "mailto"].contains(scheme)
            }
        }
        return true
    }

    /// HTML text and attribute escaping: `& < > " '`.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
