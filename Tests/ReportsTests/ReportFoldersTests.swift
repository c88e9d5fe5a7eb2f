import Foundation
import Testing
import Tracking
@testable import Reports

/// Two databases publishing into one reports folder: each keeps its own pages and index.
@Suite struct ReportFoldersTests {
    @Test func anotherDatabaseNeitherOverwritesNorDropsTheUsualOne() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let reports = folder.appendingPathComponent("reports")
        let usual = try RunStore(path: folder.appendingPathComponent("runs.db").path)
        let other = try RunStore(path: folder.appendingPathComponent("other.db").path)
        let first = try RunLoaderTests.record(into: usual, experiment: "usual")
        let second = try RunLoaderTests.record(into: other, experiment: "other")
        #expect(first == 1 && second == 1)

        let usualPage = try ReportPublisher(store: usual, reports: reports).publishRun(first)
        let otherPage = try ReportPublisher(store: other, reports: reports).publishRun(second)
        // The usual database keeps the README's places.
        #expect(usualPage.path == reports.appendingPathComponent("1/index.html").path)
        #expect(otherPage.path != usualPage.path)
        #expect(try String(contentsOf: usualPage, encoding: .utf8).contains("usual"))
        #expect(try String(contentsOf: otherPage, encoding: .utf8).contains("other"))

        // Publishing the usual database's index again keeps its run and links the other folder.
        try ReportPublisher(store: usual, reports: reports).publishIndex()
        let index = try String(contentsOf: reports.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("#1 usual"), "\(index)")
        #expect(index.contains(otherPage.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent + "/index.html"))
        let otherIndex = otherPage.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("index.html")
        #expect(try String(contentsOf: otherIndex, encoding: .utf8).contains("#1 other"))
    }

    @Test func theFolderOfADatabaseDependsOnItsPath() {
        let reports = URL(fileURLWithPath: "/data/reports")
        #expect(ReportPublisher.pagesFolder(reports: reports, database: "/data/runs.db").path == "/data/reports")
        let a = ReportPublisher.pagesFolder(reports: reports, database: "/data/a/runs.db")
        let b = ReportPublisher.pagesFolder(reports: reports, database: "/data/b/runs.db")
        #expect(a != b && a.lastPathComponent.hasPrefix("db-runs-") && b.deletingLastPathComponent().path == "/data/reports")
        // ./runs.db, the default database, writes at the top of any folder (`report --out DIR`).
        let cwd = FileManager.default.currentDirectoryPath
        #expect(ReportPublisher.pagesFolder(reports: reports, database: cwd + "/runs.db").path == "/data/reports")
        #expect(ReportPublisher.pagesFolder(reports: reports, database: cwd + "/other.db").path != "/data/reports")
    }
}
