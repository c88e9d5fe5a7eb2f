import Foundation
import GRDB

/// One row of `artifacts`: a named output of a run (audio, image, text, checkpoint…) whose
/// bytes are stored once per SHA-256 in `blobs` or, when large, in a file beside runs.db.
public struct Artifact: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var runID: Int64
    public var cellIndex: Int?
    public var step: Int?
    /// `audio`, `image`, `text`, `checkpoint`, … (free text; the report groups by it).
    public var kind: String
    public var name: String
    public var mediaType: String
    public var size: Int
    public var sha256: String
    public var createdAt: Date

    public init(row: Row) throws {
        id = row["id"]
        runID = row["run_id"]
        cellIndex = row["cell_index"]
        step = row["step"]
        kind = row["kind"]
        name = row["name"]
        mediaType = row["media_type"]
        size = row["size"]
        sha256 = row["sha256"]
        createdAt = Date(timeIntervalSince1970: row["created_at"])
    }
}

extension RunStore {
    /// Stores `data` as artifact `name` of `run`.
    ///
    /// The bytes are named by their SHA-256 and stored once: in the `blobs` table when smaller
    /// than ``inlineBlobLimit``, else as `<runs.db>-blobs/<sha256>` (written to a temporary file,
    /// synced, then renamed, so a half-written file never carries a hash name). The rows are
    /// inserted in one transaction: if the disk fills up, nothing of the artifact is recorded
    /// and ``TrackingError/diskFull(path:operation:reason:)`` is thrown.
    @discardableResult
    public func putArtifact(run: Int64, name: String, kind: String, mediaType: String, data: Data,
                            cell: Int? = nil, step: Int? = nil) throws -> Artifact {
        let sha256 = SHA256.hex(data)
        let operation = "storing artifact '\(name)' (\(data.count) bytes) of run \(run)"
        let inline = data.count < inlineBlobLimit
        if !inline {
            try BlobFiles.write(data, to: blobDirectory, sha256: sha256, operation: operation)
        }
        return try write(operation) { db in
            try db.execute(sql: """
                INSERT INTO blobs (sha256, size, storage, data) VALUES (?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING
                """, arguments: [sha256, data.count, inline ? "inline" : "file", inline ? data : nil])
            if !inline {
                // Written again if another process deleted the same bytes (last reference
                // gone) after the write above: deletions happen in write transactions too.
                try BlobFiles.write(data, to: blobDirectory, sha256: sha256, operation: operation)
            }
            try db.execute(sql: """
                INSERT INTO artifacts (run_id, cell_index, step, kind, name, media_type, size, sha256, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, cell, step, kind, name, mediaType, data.count, sha256,
                                 Date().timeIntervalSince1970])
            return try Artifact.fetchOne(db, sql: "SELECT * FROM artifacts WHERE id = ?",
                                         arguments: [db.lastInsertedRowID])!
        }
    }

    /// Deletes the artifacts `ids` of `run`, and the bytes no remaining artifact shares (rows of
    /// `blobs`, files beside runs.db): how a run keeps only its latest checkpoints.
    ///
    /// A blob file is moved aside inside the transaction and removed after the commit (put
    /// back if the commit fails), so no committed row ever names a missing file, and a process
    /// storing the same bytes meanwhile finds the file gone and writes it again.
    public func deleteArtifacts(run: Int64, ids: [Int64]) throws {
        var trash: [(file: URL, aside: URL)] = []
        do {
            try write("deleting \(ids.count) artifacts of run \(run)") { db in
                var hashes = Set<String>()
                for id in ids {
                    if let sha256 = try String.fetchOne(db, sql: "SELECT sha256 FROM artifacts WHERE id = ? AND run_id = ?",
                                                        arguments: [id, run]) {
                        hashes.insert(sha256)
                        try db.execute(sql: "DELETE FROM artifacts WHERE id = ?", arguments: [id])
                    }
                }
                for sha256 in hashes.sorted() {
                    let shared = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM artifacts WHERE sha256 = ?)",
                                                   arguments: [sha256]) ?? true
                    guard !shared else { continue }
                    let storage = try String.fetchOne(db, sql: "SELECT storage FROM blobs WHERE sha256 = ?", arguments: [sha256])
                    try db.execute(sql: "DELETE FROM blobs WHERE sha256 = ?", arguments: [sha256])
                    if storage == "file" {
                        let file = blobDirectory.appendingPathComponent(sha256)
                        let aside = blobDirectory.appendingPathComponent(".\(sha256).deleted-\(getpid())")
                        if rename(file.path, aside.path) == 0 { trash.append((file, aside)) }
                    }
                }
            }
        } catch {
            for item in trash { rename(item.aside.path, item.file.path) }
            throw error
        }
        for item in trash { unlink(item.aside.path) }
    }

    /// All artifacts of `run`, in the order they were stored.
    public func artifacts(run: Int64) throws -> [Artifact] {
        try read("listing artifacts of run \(run)") { db in
            try Artifact.fetchAll(db, sql: "SELECT * FROM artifacts WHERE run_id = ? ORDER BY id", arguments: [run])
        }
    }

    /// The latest artifact called `name` in `run`.
    public func artifact(run: Int64, name: String) throws -> Artifact {
        let found = try read("finding artifact '\(name)' of run \(run)") { db in
            try Artifact.fetchOne(db, sql: "SELECT * FROM artifacts WHERE run_id = ? AND name = ? ORDER BY id DESC LIMIT 1",
                                  arguments: [run, name])
        }
        guard let found else { throw TrackingError.noSuchArtifact(run: run, name: name) }
        return found
    }

    /// The artifact with database id `id`.
    public func artifact(id: Int64) throws -> Artifact {
        let found = try read("finding artifact \(id)") { db in
            try Artifact.fetchOne(db, sql: "SELECT * FROM artifacts WHERE id = ?", arguments: [id])
        }
        guard let found else { throw TrackingError.statementFailed(sql: "artifact \(id)", reason: "no artifact with this id") }
        return found
    }

    /// The bytes of `artifact`, checked against its size and SHA-256 wherever they are stored:
    /// damaged bytes are never exported or shown as good. A mismatch is
    /// ``TrackingError/artifactDamaged(run:name:reason:)``.
    public func data(of artifact: Artifact) throws -> Data {
        let row = try read("reading artifact '\(artifact.name)'") { db in
            try Row.fetchOne(db, sql: "SELECT storage, data FROM blobs WHERE sha256 = ?", arguments: [artifact.sha256])
        }
        do {
            guard let row else {
                throw TrackingError.blobDamaged(sha256: artifact.sha256, path: path, reason: "no row in blobs")
            }
            if row["storage"] as String == "inline" {
                return try BlobFiles.checked(row["data"] ?? Data(), sha256: artifact.sha256, size: artifact.size,
                                             location: path + " (table blobs)")
            }
            return try BlobFiles.read(sha256: artifact.sha256, size: artifact.size, from: blobDirectory)
        } catch TrackingError.blobDamaged(_, _, let reason) {
            throw TrackingError.artifactDamaged(run: artifact.runID, name: artifact.name, reason: reason)
        }
    }
}
