import Foundation
import GRDB
import Testing
@testable import Tracking

/// The views and tables answer the usual questions exactly, on the synthetic ExampleDatabase
/// (known values, a diverged run, a tie at one step). The documentation's own examples run
/// against a real database in `Tests/CLITests/DocumentedSQLTests.swift`. Set
/// FUNAUDIO_EXAMPLE_DB=/path to keep the database.
struct ViewQueriesTests {
    let dir: TemporaryDirectory
    let store: RunStore

    init() throws {
        dir = try TemporaryDirectory()
        let path = ProcessInfo.processInfo.environment["FUNAUDIO_EXAMPLE_DB"] ?? dir.databasePath
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try? FileManager.default.removeItem(atPath: path + "-blobs")
        store = try ExampleDatabase.build(at: path)
    }

    private func rows(_ sql: String) throws -> [[String]] {
        try store.execute(sql: sql)[0].rows.map { $0.map(\.description) }
    }

    @Test func finalValidationLossPerFusionKind() throws {
        let result = try rows("""
            SELECT run_id, json_extract(params, '$."model.fusion.kind"') AS fusion, status,
                   round(json_extract(final_metrics, '$."val.loss"'), 4) AS final_val_loss
            FROM run_overview WHERE experiment = 'fusion-ablation'
            ORDER BY final_val_loss IS NULL, final_val_loss
            """)
        #expect(result.map { $0[1] } == ["film", "gated", "concat", "cross-attention"])
        #expect(result.last?[2] == "failed")
    }

    @Test func latestValueOfEveryMetric() throws {
        let result = try rows("SELECT run_id, key, step, round(value, 4) FROM latest_metrics WHERE run_id = 2 ORDER BY key")
        #expect(result == [["2", "train.loss", "49", "0.3205"], ["2", "val.loss", "49", "0.3726"]])
    }

    @Test func lossCurveOfOneRun() throws {
        let result = try rows("SELECT step, round(value, 4) FROM metrics WHERE run_id = 1 AND key = 'val.loss' ORDER BY step")
        #expect(result.map { $0[0] } == ["9", "19", "29", "39", "49"])
    }

    @Test func reusedCells() throws {
        let result = try rows("""
            SELECT run_id, cell_index, kind, status FROM cells WHERE reused = 1 ORDER BY run_id
            """)
        #expect(result == [["2", "0", "prepare", "reused"], ["3", "0", "prepare", "reused"], ["4", "0", "prepare", "reused"]])
    }

    @Test func artifactsAndWhereTheirBytesLive() throws {
        let result = try rows("""
            SELECT a.run_id, a.name, a.size, b.storage FROM artifacts a JOIN blobs b USING (sha256)
            WHERE a.run_id = 1 ORDER BY a.name
            """)
        #expect(result == [["1", "checkpoint.safetensors", "10000", "file"], ["1", "samples/hello.wav", "2000", "inline"]])
    }

    @Test func failedRunsAndTheirLastLogLine() throws {
        let result = try rows("""
            SELECT r.id, r.error,
                   (SELECT message FROM log_lines l WHERE l.run_id = r.id ORDER BY l.id DESC LIMIT 1) AS last_log
            FROM runs r WHERE r.status IN ('failed', 'crashed')
            """)
        #expect(result == [["4", "train.loss became NaN at step 31", "loss is NaN at step 31"]])
    }

    @Test func runsWithTheSameConfiguration() throws {
        let result = try rows("""
            SELECT config_sha256, COUNT(*) AS runs FROM runs GROUP BY config_sha256 HAVING runs > 1
            """)
        #expect(result.isEmpty)
    }
}
