import Foundation
import GRDB

/// The rows of one statement run by ``RunStore/execute(sql:allowWrites:)``.
public struct QueryResult: Sendable, Equatable {
    public var sql: String
    public var columns: [String]
    public var rows: [[DatabaseValue]]
    /// Rows changed by a write statement (0 for queries).
    public var changes: Int
}

/// How `funaudio sql` prints results.
public enum OutputFormat: String, Sendable, CaseIterable {
    case table, csv, json
}

extension RunStore {
    /// Runs the statements in `sql` (separated by `;`).
    ///
    /// Without `allowWrites` they run on a read-only connection and any statement that would
    /// write is refused with ``TrackingError/writeNotAllowed(sql:)`` before it runs. With
    /// `allowWrites` all statements run in one transaction: if one fails, none has any effect.
    public func execute(sql: String, allowWrites: Bool = false) throws -> [QueryResult] {
        @Sendable func body(_ db: Database) throws -> [QueryResult] {
            var results: [QueryResult] = []
            let statements = try db.allStatements(sql: sql)
            while let statement = try statements.next() {
                let text = statement.sql
                if !allowWrites && !statement.isReadonly {
                    throw TrackingError.writeNotAllowed(sql: text)
                }
                let columns = statement.columnNames
                if columns.isEmpty {
                    try statement.execute()
                    results.append(QueryResult(sql: text, columns: [], rows: [], changes: db.changesCount))
                } else {
                    let rows = try Row.fetchAll(statement).map { row in Array(row.databaseValues) }
                    results.append(QueryResult(sql: text, columns: columns, rows: rows, changes: 0))
                }
            }
            return results
        }
        do {
            return allowWrites ? try pool.write(body) : try pool.read(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw TrackingError.statementFailed(sql: error.sql ?? sql, reason: error.message ?? "SQL error")
        } catch {
            throw Self.translate(error, path: path, operation: "running SQL", busyTimeout: busyTimeout)
        }
    }
}

extension QueryResult {
    /// The result as an aligned text table, CSV (RFC 4180) or a JSON array of objects.
    public func formatted(as format: OutputFormat) -> String {
        if columns.isEmpty { return "\(changes) row\(changes == 1 ? "" : "s") changed\n" }
        switch format {
        case .table:
            return TextTable(columns: columns, rows: rows.map { $0.map(Self.text) }).rendered()
        case .csv:
            let lines = [columns.map(Self.csvField)] + rows.map { $0.map { Self.csvField(Self.text($0)) } }
            return lines.map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        case .json:
            let objects = rows.map { row in JSONValue.object(zip(columns, row.map(Self.json)).map { ($0, $1) }) }
            return JSON.encode(.array(objects)) + "\n"
        }
    }

    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: ""
        case .int64(let v): String(v)
        case .double(let v): String(v)
        case .string(let v): v
        case .blob(let v): "<\(v.count) bytes>"
        }
    }

    private static func json(_ value: DatabaseValue) -> JSONValue {
        switch value.storage {
        case .null: .null
        case .int64(let v): .int(v)
        case .double(let v): .number(v)
        case .string(let v): .string(v)
        case .blob(let v): .string(v.base64EncodedString())
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
