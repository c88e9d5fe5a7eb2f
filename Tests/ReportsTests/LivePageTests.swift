import Foundation
import Testing
@testable import Reports

/// The page of a running run reloads itself; the final page does not.
@Suite struct LivePageTests {
    let writer = try! ReportWriter()

    @Test func aRunningRunsPageReloadsItself() {
        let html = writer.renderRun(SampleRuns.run(status: "running", withMedia: false)).html
        #expect(html.contains(#"<meta http-equiv="refresh" content="30">"#))
    }

    @Test func anEndedRunsPageStaysPut() {
        for status in ["finished", "failed", "crashed", "interrupted"] {
            let html = writer.renderRun(SampleRuns.run(status: status, withMedia: false)).html
            #expect(!html.contains("http-equiv=\"refresh\""), "\(status)")
        }
    }
}
