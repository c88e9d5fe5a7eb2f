import Foundation
import GRDB

/// What ``RunStore/check()`` found: SQLite's own integrity check and every artifact's bytes.
public struct DatabaseCheck: Sendable {
    public var path: String
    /// The lines of `PRAGMA integrity_check` other than `ok` (empty when the file is sound).
    public var integrity: [String]
    public var artifacts: Int
    public var inlineBlobs: Int
    public var fileBlobs: Int
    /// One line per problem, naming the artifact (run and name) or the table.
    public var problems: [String]

    /// Two lines for the terminal: what was checked, then the verdict.
    public var summary: String {
        let checked = "\(path): SQLite integrity \(integrity.isEmpty ? "ok" : "FAILED"); \(artifacts) artifacts, "
            + "\(inlineBlobs + fileBlobs) distinct contents (\(inlineBlobs) in the database, \(fileBlobs) files) hashed"
        let verdict = problems.isEmpty ? "no problems"
            : "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
        return checked + "\n" + verdict + "\n"
    }
}

extension RunStore {
    /// Verifies the whole database: `PRAGMA integrity_check`, foreign keys, and the bytes of
    /// every stored content (inline and files) against its SHA-256. A damaged content is
    /// reported once per artifact that uses it. Reads only; safe on a read-only store.
    public func check() throws -> DatabaseCheck {
        let (integrity, foreignKeys, blobs, artifacts) = try read("checking the database") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
                "table \(row[0] as String? ?? "?") row \(row[1] as Int64? ?? -1) points at a missing row of "
                    + (row[2] as String? ?? "?")
            }
            let blobs = try Row.fetchAll(db, sql: "SELECT sha256, size, storage FROM blobs ORDER BY sha256")
                .map { (sha256: $0["sha256"] as String, size: $0["size"] as Int, inline: $0["storage"] as String == "inline") }
            let artifacts = try Artifact.fetchAll(db, sql: "SELECT * FROM artifacts ORDER BY run_id, id")
            return (integrity, foreignKeys, blobs, artifacts)
        }
        var damaged: [String: String] = [:]
        for blob in blobs {
            do {
                if blob.inline {
                    let data = try read("reading content \(blob.sha256)") { db in
                        try Data.fetchOne(db, sql: "SELECT data FROM blobs WHERE sha256 = ?", arguments: [blob.sha256])
                    }
                    _ = try BlobFiles.checked(data ?? Data(), sha256: blob.sha256, size: blob.size,
                                              location: path + " (table blobs)")
                } else {
                    _ = try BlobFiles.read(sha256: blob.sha256, size: blob.size, from: blobDirectory)
                }
            } catch TrackingError.blobDamaged(_, _, let reason) {
                damaged[blob.sha256] = reason
            }
        }
        let known = Set(blobs.map(\.sha256))
        var problems = integrity.map { "SQLite integrity check: \($0)" } + foreignKeys
        for artifact in artifacts {
            let reason = known.contains(artifact.sha256) ? damaged[artifact.sha256] : "its content is not in table blobs"
            if let reason {
                problems.append(TrackingError.artifactDamaged(run: artifact.runID, name: artifact.name, reason: reason).description)
            }
        }
        return DatabaseCheck(path: path, integrity: integrity, artifacts: artifacts.count,
                             inlineBlobs: blobs.filter(\.inline).count, fileBlobs: blobs.filter { !$0.inline }.count,
                             problems: problems)
    }
}
