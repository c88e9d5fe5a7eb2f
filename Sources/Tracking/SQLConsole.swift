import Foundation
import GRDB

/// The rows of one statement run by ``RunStore/execute(sql:allowWrites:)``.
public struct QueryResult: Sendable, Equatable {
    public var sql: String
    public var columns: [String]
    public var rows: [[SQLValue]]
    /// Rows changed by a write statement (0 for queries).
    public var changes: Int
}

/// One value of a result row, as SQLite stores it.
public enum SQLValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .real(v)
        case .string(let v): self = .text(v)
        case .blob(let v): self = .blob(v)
        }
    }

    /// As a table cell or CSV field shows it: empty for NULL, a byte count for a blob.
    public var description: String {
        switch self {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): v
        case .blob(let v): "<\(v.count) bytes>"
        }
    }

    /// An integer value (a run id, a count), nil otherwise.
    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
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
                    let rows = try Row.fetchAll(statement).map { row in Array(row.databaseValues.map(SQLValue.init)) }
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
    /// The rows as CSV (RFC 4180), header first; for a write, the count of changed rows.
    public var csv: String {
        if columns.isEmpty { return changedRows }
        let lines = [columns.map(Self.csvField)] + rows.map { $0.map { Self.csvField($0.description) } }
        return lines.map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// The rows as a JSON array of objects keyed by column (blobs in base64); for a write,
    /// the count of changed rows.
    public var json: String {
        if columns.isEmpty { return changedRows }
        let objects = rows.map { row in JSONValue.object(zip(columns, row.map(Self.json)).map { ($0, $1) }) }
        return JSON.encode(.array(objects)) + "\n"
    }

    /// `3 rows changed`, what a write statement reports.
    public var changedRows: String { "\(changes) row\(changes == 1 ? "" : "s") changed\n" }

    private static func json(_ value: SQLValue) -> JSONValue {
        switch value {
        case .null: .null
        case .integer(let v): .int(v)
        case .real(let v): .number(v)
        case .text(let v): .string(v)
        case .blob(let v): .string(v.base64EncodedString())
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
