import Foundation
import Testing
import Tracking
@testable import Reports

/// A run killed while its page was written, or whose page was written while it ran, gets its
/// page from the next command that publishes.
@Suite struct StalePagesTests {
    @Test func missingAndOutOfDatePagesAreWrittenAgain() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try RunStore(path: folder.appendingPathComponent("runs.db").path)
        let reports = folder.appendingPathComponent("reports")
        let publisher = try ReportPublisher(store: store, reports: reports)

        let noPage = try RunLoaderTests.record(into: store)
        let running = try RunLoaderTests.record(into: store, finish: false)
        try publisher.publishRun(running)
        let alive = try RunLoaderTests.record(into: store, finish: false)
        // The running run ends; its page still says running.
        try store.pool.write { try $0.execute(sql: "UPDATE runs SET status = 'finished', ended_at = heartbeat_at WHERE id = ?",
                                              arguments: [running]) }

        #expect(try publisher.publishStalePages() == [running, noPage].sorted(by: >))
        for id in [noPage, running] {
            let entry = try #require(ReportWriter.pageEntries(in: reports).first { $0.href == "\(id)/index.html" })
            #expect(entry.status == "finished")
        }
        // A run still running is its own process's business.
        #expect(!FileManager.default.fileExists(atPath: reports.appendingPathComponent("\(alive)/index.html").path))
        #expect(try publisher.publishStalePages() == [])
    }
}
