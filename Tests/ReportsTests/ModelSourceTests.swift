import Foundation
import Testing
import Tracking
@testable import Reports

/// A run that reused another run's trained model links to it and shows its curves.
@Suite struct ModelSourceTests {
    @Test func aRunWithAReusedModelShowsTheCurvesOfTheRunThatTrainedIt() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try RunStore(path: folder.appendingPathComponent("runs.db").path)
        let trained = try RunLoaderTests.record(into: store)

        let reuser = try store.startRun(RunDescription(experiment: "quickstart", config: "x", environment:
            RunEnvironment(funaudioVersion: "0.1.0", gitCommit: nil, host: "lab", cpu: "cpu", threads: 1, libraryVersions: [:])))
        try reuser.reuseCell(0, kind: "train", inputSHA256: "abc", output: "Reused the model trained by run #\(trained).")
        try reuser.setModelSource(trained)
        reuser.record("eval.mel_l1", step: 300, value: 0.5)
        try reuser.finish()

        #expect(try store.runDetail(reuser.id).modelSourceRunID == trained)
        let run = try RunLoader(store: store).run(reuser.id)
        let keys = Set(run.metrics.map(\.key))
        #expect(keys == ["train.loss", "val.loss", "eval.mel_l1"], "\(keys)")
        #expect(run.metrics.first { $0.key == "train.loss" }?.cellIndex == 0)
        #expect(run.metrics.first { $0.key == "train.loss" }?.steps.count == 300)
        #expect(run.environment.contains { $0.value.contains("run #\(trained)") })
        let html = try ReportWriter().renderRun(run).html
        #expect(html.contains("<svg"), "the train cell draws the source's curves")
    }
}
