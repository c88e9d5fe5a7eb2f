import Foundation
import Testing

/// Every SQL example of the documentation (the `sql` blocks of README.md and docs/*.md, the
/// `funaudio sql "…"` and `--query "…"` lines of README.md, docs/ and experiments/) and of
/// `funaudio help sql` runs against a real database shaped like the docs say, and returns rows.
@Suite struct DocumentedSQLTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// experiments/fusion-ablation.yaml at toy size: two fusion kinds.
    static let sweep = tinyExperiment(name: "fusion-ablation", steps: 4, sweep: """
        sweep:
          grid:
            model.fusion.kind: [cross_attention, film]
        """)

    /// The text of fenced blocks tagged `sql` in `markdown`.
    static func sqlBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```sql" {
                current = []
            } else if let lines = current, line.hasPrefix("```") {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    /// The quoted SQL of `funaudio sql "…"` and `--query "…"` in `text` (no escaped quotes;
    /// a literal `…` is prose, not an example).
    static func quotedSQL(_ text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"(?:funaudio sql|--query) "([^"\\]+)""#)
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }.filter { $0 != "…" }
    }

    @Test func everyDocumentedQueryRunsAndReturnsRows() throws {
        let folder = try TestFolder(["fusion-ablation.yaml": Self.sweep,
                                     "broken.yaml": "name: broken\ncells: [{kind: evaluate}]\n"])
        for file in ["fusion-ablation.yaml", "broken.yaml", "fusion-ablation.yaml"] {
            let result = try FunAudioProcess.run(["run", file], in: folder.url)
            #expect(result.status == (file == "broken.yaml" ? 1 : 0), "\(result.output)")
        }

        let fm = FileManager.default
        let docs = Self.repository.appendingPathComponent("docs")
        let markdown = [Self.repository.appendingPathComponent("README.md")]
            + (try fm.contentsOfDirectory(atPath: docs.path)).filter { $0.hasSuffix(".md") }.sorted()
                .map { docs.appendingPathComponent($0) }
        var examples: [(source: String, sql: String)] = []
        for file in markdown {
            let text = try String(contentsOf: file, encoding: .utf8)
            examples += Self.sqlBlocks(text).map { (file.lastPathComponent, $0) }
            // Only outside ```console blocks, which show refused statements on purpose.
            let prose = text.components(separatedBy: "```console").enumerated()
                .map { $0.offset == 0 ? $0.element : ($0.element.components(separatedBy: "```").dropFirst().joined()) }
                .joined()
            examples += Self.quotedSQL(prose).map { (file.lastPathComponent, $0) }
        }
        let experiments = Self.repository.appendingPathComponent("experiments")
        for name in try fm.contentsOfDirectory(atPath: experiments.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: experiments.appendingPathComponent(name), encoding: .utf8)
            examples += Self.quotedSQL(text).map { (name, $0) }
        }
        let help = try FunAudioProcess.run(["help", "sql"], in: folder.url)
        let helpExamples = Self.quotedSQL(help.output)
        #expect(helpExamples.count >= 3, "\(help.output)")
        examples += helpExamples.map { ("funaudio help sql", $0) }
        #expect(examples.filter { $0.source == "runs-db.md" }.count >= 8)

        for example in examples {
            let result = try FunAudioProcess.run(["sql", example.sql, "--format", "json"], in: folder.url)
            #expect(result.status == 0, "\(example.source): \(example.sql)\n\(result.output)")
            let rows = (try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) as? [Any]
            #expect((rows?.count ?? 0) > 0, "\(example.source) returns no rows: \(example.sql)\n\(result.output)")
        }
    }
}
