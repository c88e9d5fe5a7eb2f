import Foundation
import GRDB
import Testing
@testable import Tracking

/// Artifacts: bytes stored once per SHA-256, small ones in the database, large ones as files.
struct ArtifactTests {
    @Test func smallArtifactsAreStoredInlineOncePerHash() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        let wav = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let first = try run.putArtifact(name: "sample.wav", kind: "audio", mediaType: "audio/wav", data: wav,
                                        cell: 3, step: 100)
        let again = try run.putArtifact(name: "sample.wav", kind: "audio", mediaType: "audio/wav", data: wav,
                                        cell: 3, step: 200)
        #expect(first.sha256 == SHA256.hex(wav))
        #expect(first.size == 5000 && first.cellIndex == 3 && first.step == 100)
        #expect(try count(store, "artifacts") == 2)
        #expect(try count(store, "blobs") == 1)
        #expect(try store.data(of: first) == wav)
        // By name: the latest one; by id: that one.
        #expect(try store.artifact(run: run.id, name: "sample.wav") == again)
        #expect(try store.artifact(id: first.id) == first)
        #expect(throws: TrackingError.noSuchArtifact(run: run.id, name: "nope.png")) {
            try store.artifact(run: run.id, name: "nope.png")
        }
        try run.finish()
    }

    @Test func largeArtifactsAreFilesNamedByHashBesideTheDatabase() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 1024)
        let run = try store.startRun(sampleRun())
        let checkpoint = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) })
        let artifact = try run.putArtifact(name: "model.safetensors", kind: "checkpoint",
                                           mediaType: "application/octet-stream", data: checkpoint)
        let file = dir.url.appendingPathComponent("runs.db-blobs/\(artifact.sha256)")
        #expect(FileManager.default.contents(atPath: file.path) == checkpoint)
        let storage = try store.pool.read {
            try Row.fetchOne($0, sql: "SELECT storage, data IS NULL AS empty FROM blobs")!
        }
        #expect(storage["storage"] as String == "file")
        #expect(storage["empty"] as Bool == true)
        #expect(try store.data(of: artifact) == checkpoint)
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: store.blobDirectory.path)
        #expect(names == [artifact.sha256])
        try run.finish()
    }

    @Test func deletingArtifactsDropsOnlyBytesNoOtherArtifactShares() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 1024)
        let run = try store.startRun(sampleRun())
        let big = Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        let other = Data((0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 17) })
        let small = Data("step 1".utf8)
        let first = try run.putArtifact(name: "checkpoint-1", kind: "checkpoint", mediaType: "x", data: big)
        let twin = try run.putArtifact(name: "checkpoint-1-copy", kind: "checkpoint", mediaType: "x", data: big)
        let second = try run.putArtifact(name: "checkpoint-2", kind: "checkpoint", mediaType: "x", data: other)
        let note = try run.putArtifact(name: "note.txt", kind: "text", mediaType: "text/plain", data: small)
        let file = { (bytes: Data) in dir.url.appendingPathComponent("runs.db-blobs/\(SHA256.hex(bytes))").path }

        // `big` is still named by `twin`: its file stays.
        try store.deleteArtifacts(run: run.id, ids: [first.id, note.id])
        #expect(try store.artifacts(run: run.id).map(\.name) == ["checkpoint-1-copy", "checkpoint-2"])
        #expect(FileManager.default.fileExists(atPath: file(big)))
        #expect(try store.data(of: twin) == big)
        #expect(try count(store, "blobs") == 2)  // the inline note's bytes are gone
        // The last reference: row and file go; no file is left aside.
        try store.deleteArtifacts(run: run.id, ids: [twin.id])
        #expect(!FileManager.default.fileExists(atPath: file(big)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("runs.db-blobs").path)
                == [second.sha256])
        // Storing the same bytes again brings the file back.
        let again = try run.putArtifact(name: "checkpoint-3", kind: "checkpoint", mediaType: "x", data: big)
        #expect(try store.data(of: again) == big)
        #expect(try integrity(store) == "ok")
        try run.finish()
    }

    @Test func aDamagedBlobFileIsDetected() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 16)
        let run = try store.startRun(sampleRun())
        let artifact = try run.putArtifact(name: "ckpt", kind: "checkpoint", mediaType: "application/octet-stream",
                                           data: Data(repeating: 1, count: 64))
        let file = store.blobDirectory.appendingPathComponent(artifact.sha256)
        try Data(repeating: 2, count: 64).write(to: file)
        let error = try #require(throws: TrackingError.self) { try store.data(of: artifact) }
        #expect(error.description.contains("damaged"))
        try run.finish()
    }

    /// SQLite's `max_page_count` makes the database "full" at a chosen size: an injected
    /// disk-full error in the middle of the artifact transaction.
    @Test func aFullDatabaseRollsBackTheArtifact() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        try run.putArtifact(name: "small.txt", kind: "text", mediaType: "text/plain", data: Data("hello".utf8))
        try store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")!
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 4)")
        }
        let big = Data(repeating: 7, count: 200_000)
        let error = try #require(throws: TrackingError.self) {
            try run.putArtifact(name: "big.wav", kind: "audio", mediaType: "audio/wav", data: big)
        }
        guard case .diskFull(_, let operation, _) = error else {
            Issue.record("expected diskFull, got \(error)")
            return
        }
        #expect(operation.contains("big.wav"))
        #expect(try count(store, "artifacts") == 1)
        #expect(try count(store, "blobs") == 1)
        #expect(try integrity(store) == "ok")
        try run.finish()
    }

    /// A real out-of-space condition: a child process whose file size limit (`ulimit -f`)
    /// stops the artifact write, for the database itself and for a blob file.
    @Test(arguments: [false, true])
    func aFileSizeLimitInAnotherProcessLeavesTheDatabaseIntact(asFile: Bool) async throws {
        let dir = try TemporaryDirectory()
        let path = dir.databasePath
        let limit = asFile ? 1024 : 1 << 20
        do {
            let store = try RunStore(path: path, inlineBlobLimit: limit)
            try store.startRun(sampleRun()).finish()
        }
        await #expect(processExitsWith: .success) { [path = path as String, limit = limit as Int] in
            let store = try RunStore(path: path, inlineBlobLimit: limit)
            limitFileSizes(to: 64 * 1024)
            do {
                try store.putArtifact(run: 1, name: "big.bin", kind: "data", mediaType: "application/octet-stream",
                                      data: Data(repeating: 9, count: 600_000))
                exit(2)  // the write should not have fit
            } catch TrackingError.diskFull {
                exit(0)
            } catch {
                print("unexpected error: \(error)")
                exit(3)
            }
        }
        let store = try RunStore(path: path, inlineBlobLimit: limit)
        #expect(try count(store, "artifacts") == 0)
        #expect(try count(store, "blobs") == 0)
        #expect(try integrity(store) == "ok")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: store.blobDirectory.path)) ?? []
        #expect(leftovers.isEmpty)
    }
}

/// `ulimit -f`: from now on this process cannot grow any file beyond `bytes`; a write past
/// the limit fails with EFBIG (SIGXFSZ, which would kill the process, is ignored).
private func limitFileSizes(to bytes: Int) {
    signal(SIGXFSZ, SIG_IGN)
    var limit = rlimit()
    getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
    limit.rlim_cur = rlim_t(bytes)
    setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
}
