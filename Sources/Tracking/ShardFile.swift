import Foundation
import GRDB

/// A shard: the runs.db (and its `runs.db-blobs/` folder) that one Slurm task wrote, to be
/// merged into the user's runs.db by ``RunStore/merge(shards:)``. Merging is the only code
/// that reads shards.
public enum ShardFile {
    /// The shard files a `merge` argument names: a runs.db file, or a folder holding one.
    public static func resolve(_ argument: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            throw TrackingError.badShard(path: argument, reason: "no such file or folder")
        }
        let path = isDirectory.boolValue ? URL(fileURLWithPath: argument).appendingPathComponent("runs.db").path : argument
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrackingError.badShard(path: argument, reason: "the folder holds no runs.db")
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Every `runs.db` under `folder` (at any depth), sorted by path so merges run in the
    /// same order every time (`--shards DIR` holds `<sweep>/<point>/runs.db`).
    public static func find(in folder: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrackingError.badShard(path: folder, reason: "no such folder (--from takes the folder of the shards)")
        }
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        for case let url as URL in walker where url.lastPathComponent == "runs.db" {
            found.append(url.standardizedFileURL.path)
        }
        return found.sorted()
    }

    /// Checks that `path` is a whole FunAudio database this build can read, before anything
    /// of it is merged: an SQLite file, with FunAudio's migrations and none from a newer
    /// FunAudio, that passes `PRAGMA quick_check` (a truncated or damaged file does not).
    /// Returns the connection it checked with, open (see ``RunStore/merge(shards:)``).
    static func check(_ path: String) throws -> DatabaseQueue {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TrackingError.badShard(path: path, reason: "cannot be read")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else {
            throw TrackingError.badShard(path: path, reason: "not a FunAudio database (not an SQLite file)")
        }
        do {
            // Not `readonly`: SQLite cannot read a closed WAL file read-only (no -shm). Only reads here.
            var configuration = Configuration()
            // A task that just ended may still be checkpointing its shard as it closes.
            configuration.busyMode = .timeout(60)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            do {
                try Self.check(path, queue)
            } catch {
                try? queue.close()
                throw error
            }
            return queue
        } catch let error as TrackingError {
            throw error
        } catch let error as DatabaseError {
            let reason = switch error.resultCode {
            case .SQLITE_NOTADB: "not a FunAudio database (\(error.message ?? "not a database"))"
            case .SQLITE_CORRUPT: "damaged or truncated (\(error.message ?? "malformed"))"
            default: error.message ?? "\(error.resultCode)"
            }
            throw TrackingError.badShard(path: path, reason: reason)
        }
    }

    private static func check(_ path: String, _ queue: DatabaseQueue) throws {
        try queue.read { db in
            guard try db.tableExists("grdb_migrations"), try db.tableExists("runs") else {
                throw TrackingError.badShard(path: path, reason: "not a FunAudio database (no runs table)")
            }
            let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            let known = Schema.migrator.migrations
            let unknown = applied.subtracting(known).sorted()
            if !unknown.isEmpty {
                throw TrackingError.badShard(path: path, reason: "written by a newer FunAudio (unknown schema "
                    + "migrations: \(unknown.joined(separator: ", "))); merge it with that FunAudio")
            }
            let missing = known.filter { !applied.contains($0) && !Schema.notNeededInShards.contains($0) }
            if !missing.isEmpty {
                throw TrackingError.badShard(path: path, reason: "written by an older FunAudio (missing schema "
                    + "migrations: \(missing.joined(separator: ", "))); upgrade it first with "
                    + "`funaudio migrate --db \(path)`")
            }
            let problems = try String.fetchAll(db, sql: "PRAGMA quick_check")
            guard problems == ["ok"] else {
                throw TrackingError.badShard(path: path, reason: "damaged or truncated ("
                    + problems.prefix(3).joined(separator: "; ") + ")")
            }
        }
    }
}
