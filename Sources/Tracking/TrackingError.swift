import Foundation

/// Everything that can go wrong with runs.db, each with a message that names the file, the
/// run or the statement involved and says what to do.
public enum TrackingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The directory that should hold the database does not exist.
    case directoryMissing(database: String, directory: String)
    /// A command that only reads was pointed at a database that does not exist.
    case databaseMissing(path: String)
    /// SQLite could not open or create the file (not writable, a directory, not a database…).
    case cannotOpen(path: String, reason: String)
    /// Another connection held a lock for longer than the busy timeout.
    case locked(path: String, seconds: Double, operation: String)
    /// The file was written by a newer FunAudio: it has migrations this build does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    /// A reading command met a database written by an older FunAudio that it cannot read
    /// before a writing command upgrades it.
    case needsMigration(path: String, missing: [String])
    /// The database ran out of space (or hit a size limit) while writing; the write was rolled back.
    case diskFull(path: String, operation: String, reason: String)
    /// No run matches the id or experiment name given on the command line.
    case noSuchRun(String)
    /// No artifact of that name in that run.
    case noSuchArtifact(run: Int64, name: String)
    /// The bytes of an artifact stored as a file beside runs.db are missing or damaged.
    case blobDamaged(sha256: String, path: String, reason: String)
    /// The bytes of an artifact are missing or do not match its SHA-256.
    case artifactDamaged(run: Int64, name: String, reason: String)
    /// A file or folder a command writes (an export, a report) could not be written.
    case cannotWriteOutput(path: String, reason: String)
    /// `funaudio sql` was given a statement that writes, without `--write`.
    case writeNotAllowed(sql: String)
    /// SQLite rejected a statement (syntax error, unknown table, constraint…).
    case statementFailed(sql: String, reason: String)
    /// The run handle was used after `finish`, `fail` or `interrupt`.
    case runClosed(run: Int64)
    /// A query meant to select run ids gave something else in its first column.
    case notRunIDs(sql: String, found: String)
    /// A shard given to `funaudio merge` cannot be merged; nothing of it was.
    case badShard(path: String, reason: String)

    public var description: String {
        switch self {
        case let .directoryMissing(database, directory):
            return "cannot create \(database): directory \(directory) does not exist "
                + "(create it first or pass --db with an existing directory)"
        case let .databaseMissing(path):
            return "no runs database at \(path) (run an experiment first, or pass --db PATH)"
        case let .cannotOpen(path, reason):
            return "cannot open runs database \(path): \(reason)"
        case let .locked(path, seconds, operation):
            return "\(path) stayed locked by another connection for more than "
                + "\(Int(seconds)) s during \(operation); is a `sqlite3` shell or another tool "
                + "holding a transaction open? Close it and try again"
        case let .newerSchema(path, unknown):
            return "\(path) was written by a newer FunAudio (unknown schema migrations: "
                + "\(unknown.joined(separator: ", "))); upgrade funaudio to read it"
        case let .needsMigration(path, missing):
            return "\(path) was written by an older FunAudio and must be upgraded before it can be read "
                + "(missing schema migrations: \(missing.joined(separator: ", "))); run "
                + "`funaudio migrate --db \(path)` (this command only reads and changed nothing)"
        case let .diskFull(path, operation, reason):
            return "disk full while \(operation) in \(path): \(reason); nothing was written "
                + "(free some space and try again)"
        case let .noSuchRun(run):
            return "no run '\(run)' (give a run id or an experiment name; `funaudio list` shows them)"
        case let .noSuchArtifact(run, name):
            return "run \(run) has no artifact named '\(name)' (`funaudio show \(run)` lists them)"
        case let .blobDamaged(sha256, path, reason):
            return "artifact bytes \(sha256) at \(path) are damaged: \(reason)"
        case let .artifactDamaged(run, name, reason):
            return "artifact '\(name)' of run \(run) is damaged: \(reason)"
        case let .cannotWriteOutput(path, reason):
            return "cannot write \(path): \(reason)"
        case let .notRunIDs(sql, found):
            return "the query \(sql) must select run ids in its first column; it gave \(found)"
        case let .writeNotAllowed(sql):
            return "this statement writes to the database: \(sql)\n"
                + "pass --write to allow it (the database was not changed)"
        case let .statementFailed(sql, reason):
            return "SQL error: \(reason)\n  in: \(sql)"
        case let .badShard(path, reason):
            return "cannot merge shard \(path): \(reason); nothing of this shard was merged"
        case let .runClosed(run):
            return "run \(run) was already finished; start a new run to record more"
        }
    }

    public var errorDescription: String? { description }
}
