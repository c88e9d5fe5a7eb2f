import Foundation
import Tracking
import Testing
@testable import Reports

/// Hostile text in every user-provided field must reach the page as text, never as markup.
@Suite struct EscapingTests {
    static let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>'><svg onload=alert(3)>"
    let writer = try! ReportWriter()

    static func hostileRun(id: Int64) -> RunData {
        let e = evil
        var run = SampleRuns.run(id: id)
        run.experiment = e
        run.description = e + "\n\n[x](javascript:alert(4)) **" + e + "**"
        run.file = e
        run.status = e
        run.error = e
        run.sweep = e
        run.tags = [e]
        run.environment = [KeyValue(e, e)]
        run.config = e
        run.params = [KeyValue(e, e + "\(id)")]
        run.cells = run.cells.map { cell in
            var cell = cell
            cell.kind = e
            cell.status = e
            cell.output = e
            return cell
        }
        run.metrics = run.metrics.map { m in
            MetricSeries.sample("val." + e, goal: .minimize, steps: m.steps, values: m.values, cellIndex: m.cellIndex)
        }
        run.artifacts = run.artifacts.map { a in
            var a = a
            a.name = a.name.replacingOccurrences(of: "synth/", with: "synth/\(e)/")
            a.mediaType = a.mediaType + e
            if a.isText { a.bytes = Data(e.utf8) }
            return a
        } + [MediaArtifact(name: e, kind: e, mediaType: e, bytes: Data(e.utf8))]
        run.log = [LogRecord(time: SampleRuns.start, level: e, message: e)]
        return run
    }

    @Test func runPageHoldsNoLiveMarkup() {
        let html = writer.renderRun(Self.hostileRun(id: 1)).html
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        Self.expectOnlyOwnMarkup(html)
    }

    @Test func comparisonPageHoldsNoLiveMarkup() {
        let html = writer.renderComparison([Self.hostileRun(id: 1), Self.hostileRun(id: 2)],
                                           title: Self.evil).html
        #expect(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
        Self.expectOnlyOwnMarkup(html)
    }

    @Test func indexPageHoldsNoLiveMarkup() {
        let entry = IndexEntry(kind: .comparison, title: Self.evil, href: nil, status: Self.evil,
                               time: SampleRuns.start, headline: [Self.evil])
        Self.expectOnlyOwnMarkup(writer.renderIndex([entry, IndexEntry(run: Self.hostileRun(id: 3), href: nil)]).html)
    }

    @Test func scannerSeesInjectedMarkup() {
        let tags = Self.tags(in: #"<p title="a > b">x</p><img src=x onerror=alert(2)><a href='q"r'>"#)
        #expect(tags.map(\.name) == ["p", "img", "a"])
        #expect(tags[0].attributes["title"] == "a > b")
        #expect(tags[1].attributes["onerror"] == "alert(2)")
        #expect(tags[2].attributes["href"] == "q\"r")
    }

    @Test func mediaFileNamesCannotLeaveTheFolder() {
        #expect(MediaFolder.slug("../../etc/passwd") == "-..-etc-passwd")
        #expect(MediaFolder.slug(Self.evil).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        #expect(MediaFolder.slug("...") == "file")
    }

    /// Scans every tag of `html` (quote-aware) and fails on a tag or attribute the templates
    /// do not write: a `<script>` other than report.js, any `on…` handler, a `javascript:` URL.
    static func expectOnlyOwnMarkup(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let allowed: Set<String> = [
            "html", "head", "meta", "title", "link", "script", "body", "header", "nav", "a", "h1", "h2",
            "h3", "h4", "h5", "h6", "p", "span", "code", "main", "ul", "ol", "li", "div", "strong", "em",
            "pre", "section", "details", "summary", "table", "thead", "tbody", "tr", "th", "td",
            "figure", "figcaption", "label", "input", "svg", "g", "line", "text", "path", "ul",
            "data", "img", "audio", "footer", "blockquote", "hr",
        ]
        var scripts = 0
        for tag in tags(in: html) {
            #expect(allowed.contains(tag.name), "unexpected <\(tag.name)>", sourceLocation: sourceLocation)
            if tag.name == "script" {
                scripts += 1
                #expect(tag.attributes == ["src": "report.js"], sourceLocation: sourceLocation)
            }
            for (name, value) in tag.attributes {
                #expect(!name.hasPrefix("on"), "event handler \(name)=\(value)", sourceLocation: sourceLocation)
                #expect(!value.lowercased().contains("javascript:"), "\(name)=\(value)", sourceLocation: sourceLocation)
                #expect(["class", "id", "href", "src", "alt", "title", "value", "lang", "charset", "name",
                         "content", "rel", "type", "role", "aria-label", "aria-hidden", "viewBox",
                         "preserveAspectRatio", "x", "y", "x1", "x2", "y1", "y2", "dx", "dy", "d",
                         "text-anchor", "width", "height", "visibility", "controls", "preload",
                         "loading", "disabled", "open", "hidden", "data-sort", "data-x0", "data-x1",
                         "data-left", "data-right", "data-width", "data-colour", "data-steps",
                         "data-values"].contains(name),
                        "unexpected attribute \(name)", sourceLocation: sourceLocation)
            }
        }
        #expect(scripts == 1, sourceLocation: sourceLocation)
    }

    struct Tag {
        let name: String
        let attributes: [String: String]
    }

    /// Start tags with their attributes, reading quoted values as a browser does.
    static func tags(in html: String) -> [Tag] {
        let chars = Array(html.unicodeScalars)
        var result: [Tag] = []
        var i = 0
        func isNameChar(_ c: Unicode.Scalar) -> Bool {
            CharacterSet.alphanumerics.contains(c) || c == "-" || c == "_" || c == ":"
        }
        while i < chars.count {
            guard chars[i] == "<", i + 1 < chars.count, CharacterSet.letters.contains(chars[i + 1]) else {
                i += 1
                continue
            }
            i += 1
            var name = ""
            while i < chars.count, isNameChar(chars[i]) { name.unicodeScalars.append(chars[i]); i += 1 }
            var attributes: [String: String] = [:]
            while i < chars.count, chars[i] != ">" {
                if CharacterSet.whitespacesAndNewlines.contains(chars[i]) || chars[i] == "/" { i += 1; continue }
                var key = ""
                while i < chars.count, !CharacterSet.whitespacesAndNewlines.contains(chars[i]),
                      chars[i] != "=", chars[i] != ">" {
                    key.unicodeScalars.append(chars[i]); i += 1
                }
                var value = ""
                if i < chars.count, chars[i] == "=" {
                    i += 1
                    if i < chars.count, chars[i] == "\"" || chars[i] == "'" {
                        let quote = chars[i]
                        i += 1
                        while i < chars.count, chars[i] != quote { value.unicodeScalars.append(chars[i]); i += 1 }
                        i += 1
                    } else {
                        while i < chars.count, !CharacterSet.whitespacesAndNewlines.contains(chars[i]),
                              chars[i] != ">" {
                            value.unicodeScalars.append(chars[i]); i += 1
                        }
                    }
                }
                attributes[key] = value
            }
            result.append(Tag(name: name.lowercased(), attributes: attributes))
        }
        return result
    }
}
