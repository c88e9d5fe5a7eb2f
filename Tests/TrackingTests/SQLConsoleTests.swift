import Foundation
import Testing
@testable import Tracking

/// `funaudio sql`: read-only unless asked, clear errors, CSV and JSON output (the terminal table is the CLI's).
struct SQLConsoleTests {
    private func storeWithOneRun() throws -> (TemporaryDirectory, RunStore) {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun(params: ["model.fusion.kind": .string("film, gated")]))
        run.record("val.loss", step: 10, value: 0.25)
        try run.finish()
        return (dir, store)
    }

    @Test func aQueryReturnsColumnsAndTypedValues() throws {
        let (_, store) = try storeWithOneRun()
        let results = try store.execute(sql: "SELECT run_id, key, step, value FROM latest_metrics")
        #expect(results.count == 1)
        #expect(results[0].columns == ["run_id", "key", "step", "value"])
        #expect(results[0].rows == [[.integer(1), .text("val.loss"), .integer(10), .real(0.25)]])
    }

    @Test func writesAreRefusedWithoutWriteAndNothingChanges() throws {
        let (_, store) = try storeWithOneRun()
        for sql in ["DELETE FROM runs", "SELECT 1; DROP TABLE metric_values", "UPDATE runs SET status = 'failed'"] {
            let error = try #require(throws: TrackingError.self) { try store.execute(sql: sql) }
            guard case .writeNotAllowed = error else {
                Issue.record("\(sql): expected writeNotAllowed, got \(error)")
                continue
            }
            #expect(error.description.contains("--write"))
        }
        #expect(try count(store, "runs") == 1)
        #expect(try count(store, "metric_values") == 1)
        #expect(try store.runs().first?.status == .finished)
    }

    @Test func writesWorkWithWriteAndReportChanges() throws {
        let (_, store) = try storeWithOneRun()
        let results = try store.execute(sql: "INSERT INTO tags (run_id, tag) VALUES (1, 'best')", allowWrites: true)
        #expect(results.map(\.changes) == [1])
        #expect(results[0].csv == "1 row changed\n")
        #expect(try store.runDetail(1).tags == ["best"])
    }

    @Test func aFailingStatementRollsBackTheWholeWrite() throws {
        let (_, store) = try storeWithOneRun()
        let error = try #require(throws: TrackingError.self) {
            try store.execute(sql: "INSERT INTO tags VALUES (1, 'x'); INSERT INTO no_such_table VALUES (1)", allowWrites: true)
        }
        #expect(error.description.contains("no such table: no_such_table"))
        #expect(try count(store, "tags") == 0)
        #expect(try integrity(store) == "ok")
    }

    @Test func aSyntaxErrorNamesTheProblem() throws {
        let (_, store) = try storeWithOneRun()
        let error = try #require(throws: TrackingError.self) { try store.execute(sql: "SELEC * FROM runs") }
        guard case .statementFailed(let sql, let reason) = error else {
            Issue.record("expected statementFailed, got \(error)")
            return
        }
        #expect(sql.contains("SELEC"))
        #expect(reason.contains("syntax error"))
    }

    @Test func formats() throws {
        let (_, store) = try storeWithOneRun()
        let result = try store.execute(sql: """
            SELECT key, value, NULL AS empty FROM params WHERE run_id = 1
            UNION ALL SELECT 'x', 1.5, NULL
            """)[0]
        #expect(result.csv == "key,value,empty\r\nmodel.fusion.kind,\"film, gated\",\r\nx,1.5,\r\n")
        #expect(result.json
                == #"[{"key":"model.fusion.kind","value":"film, gated","empty":null},{"key":"x","value":1.5,"empty":null}]"# + "\n")
    }
}
