import Foundation
import Testing
@testable import Reports

@Suite struct IndexPageTests {
    let writer = try! ReportWriter()

    @Test func newestFirstWithStatusAndHeadline() throws {
        let old = IndexEntry(run: SampleRuns.run(id: 1), href: "1/index.html")
        let new = IndexEntry(run: SampleRuns.run(id: 2, status: "running"), href: nil)
        let html = writer.renderIndex([old, new]).html
        let first = try #require(html.range(of: "#2 fusion-film"))
        let second = try #require(html.range(of: "#1 fusion-film"))
        #expect(first.lowerBound < second.lowerBound)
        #expect(html.contains("status-running"))
        #expect(html.contains("(no page yet)"))
        #expect(html.contains("val.loss 0.") && html.contains("train.loss 0."))
    }

    @Test func pageEntriesAreReadBackFromTheFolders() throws {
        let reports = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: reports) }
        let run = SampleRuns.run(id: 5, withMedia: false)
        try writer.write(writer.renderRun(run), to: reports.appendingPathComponent("5"),
                         entry: IndexEntry(run: run, href: nil))
        let entries = ReportWriter.pageEntries(in: reports)
        #expect(entries.count == 1)
        #expect(entries.first?.href == "5/index.html")
        #expect(entries.first?.status == "finished")
    }
}
