import Foundation
import Testing
import Tracking

/// Running an unchanged experiment again reuses the trained model; the new run links to the
/// run that trained it, and its page shows that run's training curves.
@Suite struct ModelSourceLinkTests {
    @Test func aSecondRunLinksTheRunWhoseModelItReused() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 2)])
        for _ in 0..<2 {
            let result = try FunAudioProcess.run(["run", "tiny.yaml"], in: folder.url)
            #expect(result.status == 0, "\(result.output)")
        }
        let store = try RunStore(path: folder.path("runs.db"), access: .readOnly)
        #expect(try store.runDetail(2).cells.contains { $0.kind == "train" && $0.reused })
        #expect(try store.runDetail(2).modelSourceRunID == 1)
        let page = try String(contentsOfFile: folder.path("reports/2/index.html"), encoding: .utf8)
        #expect(page.contains("run #1 (its curves are shown)"))
        #expect(page.contains("train.loss") || page.contains("train/loss"), "no training curve on the page")
    }
}
