import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The one way to open runs.db: a WAL-mode `DatabasePool` with a busy timeout, migrated to the
/// current schema, shared safely by many threads and many processes.
///
/// Concurrency: SQLite allows one writer at a time per file. Every write here is a short
/// `BEGIN IMMEDIATE` transaction (GRDB's default for pools), so a writer waits for the lock up
/// front, in SQLite's busy handler, instead of failing halfway with "database is locked"; the
/// wait is bounded by ``busyTimeout``. Readers never block writers in WAL mode.
public final class RunStore: Sendable {
    /// Whether a store may change the file.
    public enum Access: Sendable {
        /// Creates, migrates and writes: the commands that record runs.
        case readWrite
        /// Opens the file read-only and changes nothing, not even to migrate or to mark dead
        /// runs: the commands that only read (`list`, `show`, `sql`, `report`, `export`,
        /// `check`), which must work on a database a user may not write.
        case readOnly
    }

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

    /// Opens (and with `create`, creates) the database at `path`, applying pending migrations
    /// unless `access` is ``Access/readOnly``.
    ///
    /// - Parameters:
    ///   - create: create the file if missing; commands that only read pass `false` so a typo in
    ///     `--db` gives ``TrackingError/databaseMissing(path:)`` instead of an empty database.
    ///   - access: ``Access/readOnly`` never creates, migrates or writes; a file whose schema is
    ///     too old to read as it is gives ``TrackingError/needsMigration(path:missing:)``.
    ///   - busyTimeout: seconds a write waits for a lock held by another connection.
    ///   - inlineBlobLimit: size from which artifact bytes go to a file instead of the database.
    public init(path: String, create: Bool = true, access: Access = .readWrite, busyTimeout: TimeInterval = 60,
                inlineBlobLimit: Int = 1 << 20) throws {
        let url = URL(fileURLWithPath: path)
        let create = create && access == .readWrite
        self.path = url.path
        self.busyTimeout = busyTimeout
        self.inlineBlobLimit = inlineBlobLimit
        self.blobDirectory = URL(fileURLWithPath: url.path + "-blobs", isDirectory: true)

        if !create && !FileManager.default.fileExists(atPath: url.path) {
            throw TrackingError.databaseMissing(path: url.path)
        }
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw TrackingError.directoryMissing(database: url.path, directory: directory)
        }

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.readonly = access == .readOnly
        configuration.prepareDatabase { db in
            // WAL + NORMAL: a crashed process loses nothing committed; a power cut may lose the
            // last transactions but never corrupts the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let sqlitePath = access == .readOnly ? try Self.readOnlyPath(url.path, directory: directory) : url.path
            pool = try Self.openPool(sqlitePath, configuration: configuration, busyTimeout: busyTimeout)
        } catch {
            throw Self.translate(error, path: url.path, operation: "opening the database",
                                 busyTimeout: busyTimeout)
        }
        try Self.migrate(pool, path: url.path, access: access, busyTimeout: busyTimeout)
    }

    /// Opens the pool, retrying for up to `busyTimeout` while SQLite answers "database is
    /// locked". Opening switches a new file to WAL mode, and SQLite refuses that switch at once,
    /// without calling the busy handler, while another process holds any lock on the file: two
    /// processes that create the same runs.db together (two merges, a sweep's first jobs)
    /// would otherwise fail in their first millisecond.
    private static func openPool(_ path: String, configuration: Configuration,
                                 busyTimeout: TimeInterval) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }

    /// What to hand SQLite to read `path` without writing. A WAL-mode database needs its
    /// `-shm` file, which SQLite creates beside it; in a folder the user cannot write and
    /// without that file, SQLite refuses to open. Then, if no `-wal` file holds transactions
    /// that are not in the database file yet, the file alone is the whole database, and it is
    /// opened `immutable` (no locks, no `-shm`): nobody can be writing it, since a writer
    /// would have to create the `-wal` file in that same folder.
    private static func readOnlyPath(_ path: String, directory: String) throws -> String {
        let fm = FileManager.default
        guard !fm.fileExists(atPath: path + "-shm"), Glibc.access(directory, W_OK) != 0 else { return path }
        let wal = (try? fm.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber
        if let wal, wal.intValue > 0 {
            throw TrackingError.cannotOpen(path: path, reason: """
                its folder is read-only and \(path)-wal holds recent transactions, but \(path)-shm is missing: \
                SQLite cannot read them without it. Copy runs.db and its -wal file to a folder you can write \
                and read the copy
                """)
        }
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:" + escaped + "?immutable=1"
    }

    private static func migrate(_ pool: DatabasePool, path: String, access: Access,
                                busyTimeout: TimeInterval) throws {
        let migrator = Schema.migrator
        let known = Set(migrator.migrations)
        do {
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            let unknown = applied.filter { !known.contains($0) }.sorted()
            if !unknown.isEmpty {
                throw TrackingError.newerSchema(path: path, unknownMigrations: unknown)
            }
            let missing = migrator.migrations.filter { !applied.contains($0) }
            if access == .readOnly {
                if !Set(missing).isSubset(of: Schema.readableWithout) {
                    throw TrackingError.needsMigration(path: path, missing: missing)
                }
            } else if !missing.isEmpty {
                try migrateAlongsideOthers(migrator, pool, applied: applied)
                // Creating the schema leaves a few hundred KB of WAL frames (each migration
                // rewrites the schema pages) that would otherwise stay until 4 MB of WAL
                // triggers a checkpoint: copy them into the file now, while the disk has room,
                // so a run on a nearly full disk fails in its own writes, not before it starts.
                _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            }
        } catch let error as TrackingError {
            throw error
        } catch {
            throw translate(error, path: path, operation: "migrating the schema",
                            busyTimeout: busyTimeout)
        }
    }

    /// Applies the missing migrations while other processes may be applying them to the same new
    /// file (a sweep's first jobs start together). Each migration is its own transaction and
    /// GRDB reads what was applied before the first: when another process commits one in
    /// between, ours of the same migration fails and rolls back. Each such failure means the
    /// other process got further, so retry from what it applied until nothing is missing; an
    /// error without such progress is a real one.
    private static func migrateAlongsideOthers(_ migrator: DatabaseMigrator, _ pool: DatabasePool,
                                               applied: Set<String>) throws {
        let known = Set(migrator.migrations)
        var seen = applied
        while true {
            do {
                return try migrator.migrate(pool)
            } catch {
                let now = try pool.read { try migrator.appliedIdentifiers($0) }
                if known.isSubset(of: now) { return }
                if now.isSubset(of: seen) { throw error }
                seen = now
            }
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
        case .SQLITE_READONLY:
            return TrackingError.cannotOpen(path: path, reason: "\(error.message ?? "read-only") while \(operation): "
                + "this user cannot write the file or its folder (reading commands such as list, show, sql "
                + "and report work without writing)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
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
