import Foundation
import Testing
import Tracking

/// While a run trains, its page is rewritten at every validation with the curves so far, and
/// reloads itself in an open browser.
@Suite struct LiveRunPageTests {
    @Test func thePageShowsValidationCurvesWhileTheRunTrains() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 400, checkpointEvery: 100)])
        let running = try FunAudioProcess(["run", "tiny.yaml"], in: folder.url)
        defer { if running.process.isRunning { kill(running.pid, SIGKILL) } }
        let page = folder.path("reports/1/index.html")
        let deadline = Date().addingTimeInterval(240)
        var html = ""
        while Date() < deadline, running.process.isRunning {
            html = (try? String(contentsOfFile: page, encoding: .utf8)) ?? ""
            if html.contains("val.mel_l1") || html.contains("val/mel_l1") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        try #require(running.process.isRunning, "the run ended before its page showed a validation curve")
        #expect(html.contains("http-equiv=\"refresh\""))
        #expect(html.contains("status-running"))
        kill(running.pid, SIGKILL)
        _ = running.finish()
    }
}
