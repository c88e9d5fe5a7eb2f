import Foundation
import Tracking

/// One line of reports/index.html: a run or a comparison.
public struct IndexEntry: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case run, comparison
        /// The pages of another database (`--db`), in their own folder.
        case database
    }

    public var kind: Kind
    public var title: String
    /// The page, relative to the reports folder; nil when no page was written yet.
    public var href: String?
    public var status: String
    public var time: Date
    /// A few `key value` texts: the final values of the main metrics, or the runs compared.
    public var headline: [String]

    public init(kind: Kind, title: String, href: String?, status: String, time: Date, headline: [String]) {
        self.kind = kind
        self.title = title
        self.href = href
        self.status = status
        self.time = time
        self.headline = headline
    }

    /// A run's line: validation metrics first, at most `count` of them.
    public init(run: RunData, href: String?, count: Int = 3) {
        let finals = run.metrics.compactMap { m in m.final.map { (key: m.key, value: $0.value) } }
        self.init(kind: .run, title: "#\(run.id) \(run.experiment)", href: href, status: run.status,
                  time: run.startedAt, headline: headlineMetrics(finals, count: count))
    }
}

/// `key value` texts for the most telling metrics: validation before training before the
/// rest, then by name.
public func headlineMetrics(_ finals: [(key: String, value: Double)], count: Int = 3) -> [String] {
    func rank(_ key: String) -> Int {
        guard let split = Metric(key, goal: .none).split else { return 2 }
        return split.hasPrefix("train") ? 1 : 0
    }
    return finals.sorted { (rank($0.key), $0.key) < (rank($1.key), $1.key) }
        .prefix(count).map { "\($0.key) \(NumberText.short($0.value))" }
}

struct IndexPageContext {
    struct Row {
        let kind: String
        let title: String
        let href: String?
        let status: String
        let time: String
        let sortTime: String
        let headline: String
    }

    let title = "FunAudio reports"
    let generated: String
    let rows: [Row]
    let empty: Bool

    init(entries: [IndexEntry], generated: Date) {
        self.generated = NumberText.time(generated)
        rows = entries.sorted { $0.time > $1.time }.map {
            Row(kind: $0.kind.rawValue, title: $0.title, href: $0.href, status: $0.status,
                time: NumberText.time($0.time), sortTime: String($0.time.timeIntervalSince1970),
                headline: $0.headline.joined(separator: " · "))
        }
        empty = rows.isEmpty
    }
}
