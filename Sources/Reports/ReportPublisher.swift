import Foundation
import Tracking

/// Writes report folders under one reports directory and keeps its index current:
/// `<reports>/<run id>/`, `<reports>/compare-…/` and `<reports>/index.html`.
///
/// What `funaudio report` and `funaudio compare` do, and what the runner calls at the end of
/// every run.
public struct ReportPublisher {
    public let loader: RunLoader
    public let writer: ReportWriter
    public let reports: URL

    public init(store: RunStore, reports: URL) throws {
        loader = RunLoader(store: store)
        writer = try ReportWriter()
        self.reports = reports
    }

    /// Writes the page of run `id` and the index; returns the page's `index.html`.
    @discardableResult
    public func publishRun(_ id: Int64) throws -> URL {
        let run = try loader.run(id)
        let folder = reports.appendingPathComponent(String(id), isDirectory: true)
        try writer.write(writer.renderRun(run), to: folder, entry: IndexEntry(run: run, href: nil))
        try publishIndex()
        return folder.appendingPathComponent("index.html")
    }

    /// Writes a comparison of `ids` (in that order), the pages of those runs that have none
    /// yet, and the index; returns the comparison's `index.html`. The folder is named after the runs, so comparing the same runs again
    /// replaces the page.
    @discardableResult
    public func publishComparison(_ ids: [Int64], title: String? = nil) throws -> URL {
        guard !ids.isEmpty else { throw ReportError.noRuns(what: "the comparison") }
        let runs = try ids.map(loader.run)
        let title = title ?? "Comparison of runs " + ids.map { "#\($0)" }.joined(separator: ", ")
        let folder = reports.appendingPathComponent(Self.comparisonFolder(ids), isDirectory: true)
        let page = writer.renderComparison(runs, title: title)
        let entry = IndexEntry(
            kind: .comparison, title: title, href: nil,
            status: runs.contains(where: \.isPartial) ? "partial" : "\(runs.count) runs",
            time: Date(), headline: [ids.map { "#\($0)" }.joined(separator: " ")])
        try writer.write(page, to: folder, entry: entry)
        // The page links to each run's own page: write those that do not exist yet.
        for run in runs {
            let runFolder = reports.appendingPathComponent(String(run.id), isDirectory: true)
            if !FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("index.html").path) {
                try writer.write(writer.renderRun(run), to: runFolder, entry: IndexEntry(run: run, href: nil))
            }
        }
        try publishIndex()
        return folder.appendingPathComponent("index.html")
    }

    /// Writes `<reports>/index.html` (every run in the database, every comparison page).
    @discardableResult
    public func publishIndex() throws -> URL {
        let page = writer.renderIndex(try loader.indexEntries(reports: reports))
        try writer.write(page, to: reports)
        return reports.appendingPathComponent("index.html")
    }

    /// `compare-3-7-9`; for more than six runs `compare-3-41-12runs-a1b2c3` (first, last, count, hash).
    static func comparisonFolder(_ ids: [Int64]) -> String {
        if ids.count <= 6 { return "compare-" + ids.map(String.init).joined(separator: "-") }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325    // FNV-1a over the ids, for uniqueness
        for byte in ids.map(String.init).joined(separator: ",").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return "compare-\(ids[0])-\(ids[ids.count - 1])-\(ids.count)runs-" + String(hash % 0xffffff, radix: 16)
    }
}
