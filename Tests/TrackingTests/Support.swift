import Foundation
import GRDB
@testable import Tracking

/// A fresh directory under /tmp for one test's runs.db; removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("funaudio-tracking-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { url.appendingPathComponent("runs.db").path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A run description with the fields a runner would fill, for tests.
func sampleRun(_ experiment: String = "quickstart", params: [String: ParamValue] = [:],
               sweepID: String? = nil) -> RunDescription {
    RunDescription(
        experiment: experiment, file: "experiments/\(experiment).yaml",
        config: "name: \(experiment)\nseed: 7\n", seed: 7, params: params, sweepID: sweepID,
        environment: RunEnvironment(funaudioVersion: "0.1.0-test", gitCommit: "abc123", host: "testhost",
                                    cpu: "Test CPU", threads: 2, libraryVersions: ["sqlite": "3"]))
}

/// `PRAGMA integrity_check` of the database behind `store`: "ok" when the file is sound.
func integrity(_ store: RunStore) throws -> String {
    try store.pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
}

/// Counts rows of `table`.
func count(_ store: RunStore, _ table: String) throws -> Int {
    try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
}
