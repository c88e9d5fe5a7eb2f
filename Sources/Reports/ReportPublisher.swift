import Foundation
import Tracking

/// Writes report folders for one database and keeps its index current:
/// `<folder>/<run id>/`, `<folder>/compare-…/` and `<folder>/index.html`, where the folder is
/// given by ``pagesFolder(reports:database:)``.
///
/// What `funaudio report` and `funaudio compare` do, and what the runner calls at the end of
/// every run.
public struct ReportPublisher {
    public let loader: RunLoader
    public let writer: ReportWriter
    /// This database's pages folder inside the reports folder given to ``init(store:reports:)``.
    public let reports: URL

    public init(store: RunStore, reports: URL) throws {
        loader = RunLoader(store: store)
        writer = try ReportWriter()
        self.reports = Self.pagesFolder(reports: reports, database: store.path)
    }

    /// Where the pages of the database at `database` go inside `reports`: `reports` itself
    /// for the default database, `./runs.db` (`funaudio report 1 --out DIR` writes
    /// `DIR/1/index.html`), or the `runs.db` beside `reports`; `reports/db-<file stem>-<8 hex
    /// digits>/` for any other, the digits hashing the database's absolute path. Two databases
    /// both have a run 1; without this, the second overwrote the first's page and its index.
    public static func pagesFolder(reports: URL, database: String) -> URL {
        let reports = reports.standardizedFileURL
        let database = URL(fileURLWithPath: database).standardizedFileURL.path
        let usual = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("runs.db"),
                     reports.deletingLastPathComponent().appendingPathComponent("runs.db")]
        if usual.contains(where: { $0.standardizedFileURL.path == database }) { return reports }
        let stem = URL(fileURLWithPath: database).deletingPathExtension().lastPathComponent
        return reports.appendingPathComponent("db-\(stem)-\(SHA256.hex(database).prefix(8))", isDirectory: true)
    }

    /// Writes the page of run `id` and the index; returns the page's `index.html`.
    @discardableResult
    public func publishRun(_ id: Int64) throws -> URL {
        let folder = try writeRunPage(try loader.run(id))
        try publishIndex()
        return folder.appendingPathComponent("index.html")
    }

    /// Writes the page of `run` into `<folder>/<id>/` with its index entry; returns the folder.
    @discardableResult
    private func writeRunPage(_ run: RunData) throws -> URL {
        let folder = reports.appendingPathComponent(String(run.id), isDirectory: true)
        try writer.write(writer.renderRun(run), to: folder, entry: IndexEntry(run: run, href: nil))
        return folder
    }

    /// Writes the pages of the ended runs whose page is missing or shows another status than
    /// runs.db (the process was killed while writing it, or it was written while the run
    /// ran), then the index if any was written; returns their ids. Runs still running are left
    /// to their own process.
    @discardableResult
    public func publishStalePages() throws -> [Int64] {
        let pages = Dictionary(ReportWriter.pageEntries(in: reports).filter { $0.kind == .run }
            .compactMap { entry in entry.href.flatMap { Int64($0.split(separator: "/")[0]) }.map { ($0, entry.status) } },
            uniquingKeysWith: { first, _ in first })
        let stale = try loader.store.runs().filter { $0.status != .running && pages[$0.id] != $0.status.rawValue }
        for run in stale { try writeRunPage(try loader.run(run.id)) }
        if !stale.isEmpty { try publishIndex() }
        return stale.map(\.id)
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
        for run in runs where !FileManager.default.fileExists(
            atPath: reports.appendingPathComponent("\(run.id)/index.html").path) {
            try writeRunPage(run)
        }
        try publishIndex()
        return folder.appendingPathComponent("index.html")
    }

    /// Writes `<folder>/index.html` (every run in the database, every comparison page, and
    /// the folders of other databases inside this one). A folder of another database also
    /// gets an `entry.json`, so the usual database's index links to it.
    @discardableResult
    public func publishIndex() throws -> URL {
        let runs = try loader.indexEntries(reports: reports)
        try writer.write(writer.renderIndex(runs), to: reports, entry: reports.lastPathComponent.hasPrefix("db-")
            ? IndexEntry(kind: .database, title: loader.store.path, href: nil, status: "\(runs.count) entries",
                         time: Date(), headline: [])
            : nil)
        return reports.appendingPathComponent("index.html")
    }

    /// `compare-3-7-9`; for more than six runs `compare-3-41-12runs-a1b2c3` (first, last, count, hash).
    static func comparisonFolder(_ ids: [Int64]) -> String {
        if ids.count <= 6 { return "compare-" + ids.map(String.init).joined(separator: "-") }
        let hash = SHA256.hex(ids.map(String.init).joined(separator: ",")).prefix(6)  // for uniqueness
        return "compare-\(ids[0])-\(ids[ids.count - 1])-\(ids.count)runs-\(hash)"
    }
}
