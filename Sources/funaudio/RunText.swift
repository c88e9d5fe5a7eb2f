import Foundation
import Reports
import Tracking

/// Text renderings of runs for the terminal: the `funaudio list` table and the `funaudio show` page.
enum RunText {
    /// One row per run: id, experiment, status, start, duration, then the params whose values
    /// differ between the listed runs (the ones that tell runs apart, at most `maxParams`) and
    /// the final value of the metrics most runs have (at most `maxMetrics`, by name).
    static func table(_ runs: [RunSummary], maxParams: Int = 4, maxMetrics: Int = 4) -> TextTable {
        var distinct: [String: Set<String>] = [:]
        for run in runs {
            for (key, value) in run.params { distinct[key, default: []].insert(value.description) }
        }
        let params = distinct.filter { key, values in
            values.count > 1 || runs.contains { $0.params[key] == nil }
        }.keys.sorted().prefix(maxParams)
        var metricCounts: [String: Int] = [:]
        for run in runs { for key in run.finalMetrics.keys { metricCounts[key, default: 0] += 1 } }
        let metrics = metricCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(maxMetrics).map(\.key).sorted()

        let columns = ["id", "experiment", "status", "started (UTC)", "duration"] + params + metrics
        let rows = runs.map { run in
            [String(run.id), run.experiment, run.status.rawValue, NumberText.time(run.startedAt, zone: false), duration(of: run)]
                + params.map { run.params[$0]?.description ?? "" }
                + metrics.map { key in run.finalMetrics[key].map { $0.map(number) ?? "NaN" } ?? "" }
        }
        return TextTable(columns: columns, rows: rows)
    }

    /// Everything about one run, in sections.
    static func page(_ detail: RunDetail) -> String {
        let s = detail.summary
        let env = detail.environment
        var out = "Run \(s.id) of \(s.experiment): \(s.status.rawValue)\n"
        if let error = s.error { out += "  error: \(error)\n" }
        var facts: [(String, String)] = [
            ("started", NumberText.time(s.startedAt)),
            ("ended", s.endedAt.map { NumberText.time($0) } ?? "—"),
            ("duration", duration(of: s)),
            ("last heartbeat", NumberText.time(detail.heartbeatAt)),
            ("file", detail.file ?? "—"),
            ("seed", s.seed.map(String.init) ?? "—"),
            ("config sha256", detail.configSHA256),
            ("funaudio", env.funaudioVersion + (env.gitCommit.map { " (\($0))" } ?? "")),
            ("host", "\(env.host), pid \(detail.pid)"),
            ("cpu", "\(env.cpu), \(env.threads) threads"),
            ("libraries", env.libraryVersions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")),
        ]
        if let sweep = s.sweepID { facts.append(("sweep", sweep)) }
        if let parent = detail.parentRunID { facts.append(("from run", String(parent))) }
        if let source = detail.modelSourceRunID { facts.append(("model from run", String(source))) }
        if !detail.tags.isEmpty { facts.append(("tags", detail.tags.joined(separator: ", "))) }
        let width = facts.map(\.0.count).max() ?? 0
        for (key, value) in facts {
            out += "  " + key + String(repeating: " ", count: width - key.count) + "  " + value + "\n"
        }

        out += section("Params", TextTable(columns: ["key", "value", "type"], rows: s.params.sorted { $0.key < $1.key }
            .map { [$0.key, $0.value.description, $0.value.typeName] }), empty: detail.summary.params.isEmpty)
        out += section("Metrics", TextTable(columns: ["key", "goal", "points", "last step", "last", "best", "best step", "unit"],
                                            rows: detail.metrics.map { m in
            [m.key, m.goal.rawValue, String(m.points), String(m.lastStep), optional(m.lastValue),
             m.bestValue.map(number) ?? "", m.bestStep.map(String.init) ?? "", m.unit ?? ""]
        }), empty: detail.metrics.isEmpty)
        out += section("Cells", TextTable(columns: ["#", "kind", "status", "reused", "duration", "output"],
                                          rows: detail.cells.map { c in
            [String(c.index), c.kind, c.status, c.reused ? "yes" : "no",
             c.endedAt.map { NumberText.duration($0.timeIntervalSince(c.startedAt)) } ?? "—", shorten(c.output ?? "", 60)]
        }), empty: detail.cells.isEmpty)
        out += section("Artifacts", TextTable(columns: ["id", "name", "kind", "media type", "size", "cell", "step", "sha256"],
                                              rows: detail.artifacts.map { a in
            [String(a.id), a.name, a.kind, a.mediaType, String(a.size), a.cellIndex.map(String.init) ?? "",
             a.step.map(String.init) ?? "", String(a.sha256.prefix(12))]
        }), empty: detail.artifacts.isEmpty)
        if !detail.logLines.isEmpty {
            out += "\nLog (last \(detail.logLines.count) lines)\n"
            for line in detail.logLines {
                out += "  \(NumberText.time(line.time, zone: false)) \(line.level.uppercased()) \(line.message)\n"
            }
        }
        out += "\nConfig\n" + detail.config.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "  " + $0 }.joined(separator: "\n")
        return out.hasSuffix("\n") ? out : out + "\n"
    }

    /// How long `run` ran; `<10 s` for a crashed run with no sign of life after its start
    /// (its heartbeat comes every 10 s, so it lived somewhere under that).
    static func duration(of run: RunSummary) -> String {
        run.status == .crashed && run.duration < 0.05 ? "<10 s" : NumberText.duration(run.duration)
    }

    /// Six significant digits: enough to tell losses apart, short enough for a table.
    static func number(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    private static func optional(_ value: Double?) -> String { value.map(number) ?? "NaN" }

    private static func shorten(_ text: String, _ limit: Int) -> String {
        let line = text.replacingOccurrences(of: "\n", with: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }

    private static func section(_ title: String, _ table: TextTable, empty: Bool) -> String {
        guard !empty else { return "\n\(title): none\n" }
        return "\n\(title)\n" + table.rendered().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }
}
