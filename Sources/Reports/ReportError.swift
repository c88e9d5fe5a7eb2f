import Foundation

/// Why a report could not be written, with what to do about it.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    case templatesMissing(path: String)
    case templateInvalid(name: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case runNotFound(id: Int64, database: String)
    case noRuns(what: String)
    case queryFailed(sql: String, reason: String)
    /// A picture that cannot be drawn, encoded or decoded; the message names what and why.
    case picture(String)

    public var description: String {
        switch self {
        case .templatesMissing(let path):
            "report templates not found at \(path): the Reports resource bundle is missing or this user may not read that folder; rebuild FunAudio or run it as a user who may"
        case .templateInvalid(let name, let reason):
            "report template \(name).mustache does not parse: \(reason)"
        case .cannotWrite(let path, let reason):
            "cannot write \(path): \(reason); check the folder exists and is writable (--out DIR)"
        case .runNotFound(let id, let database):
            "run \(id) is not in \(database); `funaudio list --db \(database)` shows the runs there"
        case .noRuns(let what):
            "\(what) selects no runs; give run ids or a query whose first column is a run id"
        case .queryFailed(let sql, let reason):
            "the query \(sql) failed: \(reason); it must be a SELECT whose first column is a run id"
        case .picture(let message):
            message
        }
    }
}

extension ReportError {
    /// Throws ``picture(_:)`` with `message` unless `condition` holds.
    static func requirePicture(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw picture(message()) }
    }
}
