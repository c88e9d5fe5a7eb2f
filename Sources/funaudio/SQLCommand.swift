import ArgumentParser
import Tracking

/// `funaudio sql "SELECT …"`: ask runs.db anything; read-only unless `--write`.
struct SQLQuery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL against runs.db (read-only unless --write).",
        discussion: """
            Tables and views are described in docs/runs-db.md, with more examples. Useful views: \
            run_overview (one row per run, params and final metrics as JSON), latest_metrics, \
            metric_summary, metrics. Read-only unless --write: it works on a database you may not write.

            Examples:
              funaudio sql "SELECT run_id, experiment, status, duration_s FROM run_overview"
              funaudio sql "SELECT run_id, key, goal, value FROM best_metrics WHERE key = 'val.mel_l1'"
              funaudio sql "SELECT run_id, key, value FROM latest_metrics WHERE key = 'val.mel_l1'"
              funaudio sql "SELECT step, value FROM metrics WHERE run_id = 1 AND key = 'train.loss'" --format csv
              funaudio sql "SELECT run_id, value FROM params WHERE key = 'model.fusion.kind'"
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "One or more SQL statements separated by ';'.")
    var sql: String

    @Flag(help: "Allow statements that change the database (all run in one transaction).")
    var write = false

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let store = try write ? database.open() : database.openForReading()
        let results = try store.execute(sql: sql, allowWrites: write)
        print(results.map { $0.formatted(as: format) }.joined(separator: "\n"), terminator: "")
    }
}

/// How `funaudio sql` prints results.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json
}

extension QueryResult {
    /// The result as an aligned text table, CSV or JSON.
    func formatted(as format: OutputFormat) -> String {
        switch format {
        case .table: columns.isEmpty ? changedRows : TextTable(columns: columns, rows: rows.map { $0.map(\.description) }).rendered()
        case .csv: csv
        case .json: json
        }
    }
}
