import Foundation
import GRDB
import Testing
@testable import Tracking

/// Artifact bytes are checked against their SHA-256 on every read, inline or file, and
/// `RunStore.check()` verifies a whole database.
struct ArtifactVerificationTests {
    /// A run with one small (inline) and one large (file) artifact.
    private func storeWithArtifacts(_ dir: TemporaryDirectory) throws -> (RunStore, Artifact, Artifact) {
        let store = try RunStore(path: dir.databasePath, inlineBlobLimit: 4096)
        let run = try store.startRun(sampleRun())
        let small = try run.putArtifact(name: "samples/hello.wav", kind: "audio", mediaType: "audio/wav",
                                        data: Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }))
        let large = try run.putArtifact(name: "checkpoint-2.safetensors", kind: "checkpoint",
                                        mediaType: "application/octet-stream",
                                        data: Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 3) }))
        try run.finish()
        return (store, small, large)
    }

    @Test func zeroedInlineBytesAreAnErrorNamingTheArtifact() throws {
        let dir = try TemporaryDirectory()
        let (store, small, _) = try storeWithArtifacts(dir)
        try store.pool.write { try $0.execute(sql: "UPDATE blobs SET data = zeroblob(size) WHERE storage = 'inline'") }
        let error = #expect(throws: TrackingError.self) { try store.data(of: small) }
        #expect("\(error!)".contains("samples/hello.wav"), "\(error!)")
        #expect("\(error!)".contains("run \(small.runID)"), "\(error!)")
        let out = dir.url.appendingPathComponent("export")
        #expect(throws: TrackingError.self) { try store.export(run: small.runID, names: nil, to: out) }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("samples/hello.wav").path))
    }

    @Test func aHealthyDatabasePassesTheCheck() throws {
        let dir = try TemporaryDirectory()
        let (store, _, _) = try storeWithArtifacts(dir)
        let check = try store.check()
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(check.artifacts == 2 && check.inlineBlobs == 1 && check.fileBlobs == 1)
        #expect(check.summary.contains("no problems"), "\(check.summary)")
    }

    @Test func theCheckNamesEveryDamagedArtifact() throws {
        let dir = try TemporaryDirectory()
        let (store, small, large) = try storeWithArtifacts(dir)
        try store.pool.write { try $0.execute(sql: "UPDATE blobs SET data = zeroblob(size) WHERE storage = 'inline'") }
        let file = store.blobDirectory.appendingPathComponent(large.sha256)
        try Data(count: large.size).write(to: file)
        let check = try store.check()
        #expect(check.problems.count == 2, "\(check.problems)")
        #expect(check.problems.contains { $0.contains(small.name) && $0.contains("run \(small.runID)") })
        #expect(check.problems.contains { $0.contains(large.name) })
        #expect(check.summary.contains("2 problems"), "\(check.summary)")
    }

    @Test func aMissingBlobFileIsAProblem() throws {
        let dir = try TemporaryDirectory()
        let (store, _, large) = try storeWithArtifacts(dir)
        try FileManager.default.removeItem(at: store.blobDirectory.appendingPathComponent(large.sha256))
        let check = try store.check()
        #expect(check.problems.count == 1 && check.problems[0].contains(large.name), "\(check.problems)")
    }
}
