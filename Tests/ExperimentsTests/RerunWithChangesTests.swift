import Config
import Foundation
import Testing
import Tracking
@testable import Experiments

/// `funaudio rerun N --set key=value`: a stored run again with one change, recorded as
/// derived from N with the keys it changed; the overrides are checked as `run --set`'s are.
@Suite struct RerunWithChanges {
    @Test func aRerunWithASetRecordsItsParentAndTheChange() throws {
        let folder = try temporaryFolder(["tiny.yaml": Runs.tiny])
        let store = try RunStore(path: folder + "/runs.db")
        let runner = Runner(store: store, options: RunOptions(
            reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
        let original = try runner.run(Experiment.load(folder + "/tiny.yaml"))[0]
        let changed = try runner.rerun(original.runID, overrides: ["train.steps=2"])
        #expect(changed.status == .finished)
        let detail = try store.runDetail(changed.runID)
        #expect(detail.parentRunID == original.runID)
        #expect(detail.tags.contains("set: train.steps=2"))
        #expect(detail.summary.params["train.steps"] == .int(2))
        #expect(try store.metricSeries(run: changed.runID, key: "train.loss").count == 2)

        let error = #expect(throws: ConfigError.self) {
            try runner.rerun(original.runID, overrides: ["train.stpes=2"])
        }
        #expect(error?.description.contains("did you mean 'train.steps'") == true, "\(String(describing: error))")
        #expect(try store.runs().count == 2, "a refused rerun starts no run")
    }
}
