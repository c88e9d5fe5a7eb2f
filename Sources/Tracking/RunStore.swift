import Foundation
import GRDB

/// The one way to open runs.db: a WAL-mode `DatabasePool` with a busy timeout, migrated to the
/// current schema, shared safely by many threads and many processes.
///
/// Concurrency: SQLite allows one writer at a time per file. Every write here is a short
/// `BEGIN IMMEDIATE` transaction (GRDB's default for pools), so a writer waits for the lock up
/// front, in SQLite's busy handler, instead of failing halfway with "database is locked"; the
/// wait is bounded by ``busyTimeout``. Readers never block writers in WAL mode.
public final class RunStore: Sendable {
    /// Path of the database file.
    public let path: String
    /// The GRDB pool: `read` runs on read-only connections, `write` in an immediate transaction.
    public let pool: DatabasePool
    /// Where artifacts larger than ``inlineBlobLimit`` live, one file per SHA-256, beside the database.
    public let blobDirectory: URL
    /// How long a write waits for another process's lock before giving up.
    public let busyTimeout: TimeInterval
    /// Artifacts of at least this many bytes are stored as files, smaller ones in the `blobs` table.
    public let inlineBlobLimit: Int

    /// Opens (and with `create`, creates) the database at `path`, applying pending migrations.
    ///
    /// - Parameters:
    ///   - create: create the file if missing; commands that only read pass `false` so a typo in
    ///     `--db` gives ``TrackingError/databaseMissing(path:)`` instead of an empty database.
    ///   - busyTimeout: seconds a write waits for a lock held by another connection.
    ///   - inlineBlobLimit: size from which artifact bytes go to a file instead of the database.
    public init(path: String, create: Bool = true, busyTimeout: TimeInterval = 60,
                inlineBlobLimit: Int = 1 << 20) throws {
        let url = URL(fileURLWithPath: path)
        self.path = url.path
        self.busyTimeout = busyTimeout
        self.inlineBlobLimit = inlineBlobLimit
        self.blobDirectory = URL(fileURLWithPath: url.path + "-blobs", isDirectory: true)

        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw TrackingError.directoryMissing(database: url.path, directory: directory)
        }
        if !create && !FileManager.default.fileExists(atPath: url.path) {
            throw TrackingError.databaseMissing(path: url.path)
        }

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a crashed process loses nothing committed; a power cut may lose the
            // last transactions but never corrupts the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: url.path, configuration: configuration)
        } catch {
            throw Self.translate(error, path: url.path, operation: "opening the database",
                                 busyTimeout: busyTimeout)
        }
        try Self.migrate(pool, path: url.path, busyTimeout: busyTimeout)
    }

    private static func migrate(_ pool: DatabasePool, path: String,
                                busyTimeout: TimeInterval) throws {
        let migrator = Schema.migrator
        let known = Set(migrator.migrations)
        do {
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw TrackingError.newerSchema(path: path, unknownMigrations: unknown)
            }
            if applied.count < known.count {
                do {
                    try migrator.migrate(pool)
                } catch {
                    // Two processes that open a new database at once both see it unmigrated;
                    // each migration is one transaction, so the loser's fails and rolls back.
                    // Fine if the winner applied everything.
                    let now = try pool.read { try migrator.appliedIdentifiers($0) }
                    if !known.isSubset(of: now) { throw error }
                }
            }
        } catch let error as TrackingError {
            throw error
        } catch {
            throw translate(error, path: path, operation: "migrating the schema",
                            busyTimeout: busyTimeout)
        }
    }

    /// Runs `body` in one immediate write transaction, turning SQLite errors into ``TrackingError``.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.translate(error, path: path, operation: operation, busyTimeout: busyTimeout)
        }
    }

    /// Runs `body` on a read-only connection, turning SQLite errors into ``TrackingError``.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.translate(error, path: path, operation: operation, busyTimeout: busyTimeout)
        }
    }

    /// Maps SQLite result codes to the errors a user can act on.
    static func translate(_ error: Error, path: String, operation: String,
                          busyTimeout: TimeInterval) -> Error {
        if error is TrackingError { return error }
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return TrackingError.locked(path: path, seconds: busyTimeout, operation: operation)
        case .SQLITE_FULL:
            return TrackingError.diskFull(path: path, operation: operation,
                                          reason: error.message ?? "database or disk is full")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return TrackingError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return TrackingError.cannotOpen(
                path: path, reason: "not a FunAudio runs database or damaged (\(error.message ?? ""))")
        case .SQLITE_IOERR:
            if error.extendedResultCode == .SQLITE_IOERR_WRITE
                || error.extendedResultCode == .SQLITE_IOERR_FSYNC {
                return TrackingError.diskFull(path: path, operation: operation,
                                              reason: error.message ?? "write failed")
            }
            return TrackingError.cannotOpen(path: path, reason: error.message ?? "I/O error")
        default:
            return TrackingError.statementFailed(sql: error.sql ?? operation,
                                                 reason: error.message ?? "\(error.resultCode)")
        }
    }
}
