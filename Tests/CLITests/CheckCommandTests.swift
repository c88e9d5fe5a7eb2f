import Foundation
import GRDB
import Testing

/// `funaudio check` verifies a whole runs.db; damaged artifact bytes are never exported as good.
@Suite struct CheckCommandTests {
    @Test func zeroedArtifactBytesAreFoundAndNeverExported() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 2)])
        let made = try FunAudioProcess.run(["run", "tiny.yaml"], in: folder.url)
        #expect(made.status == 0, "\(made.output)")
        let healthy = try FunAudioProcess.run(["check"], in: folder.url)
        #expect(healthy.status == 0, "\(healthy.output)")
        #expect(healthy.output.contains("no problems"), "\(healthy.output)")

        let database = try DatabaseQueue(path: folder.path("runs.db"))
        let names = try database.write { db -> [String] in
            try db.execute(sql: "UPDATE blobs SET data = zeroblob(size) WHERE storage = 'inline'")
            return try String.fetchAll(db, sql: """
                SELECT a.name FROM artifacts a JOIN blobs b USING (sha256) WHERE b.storage = 'inline' ORDER BY a.id
                """)
        }
        try database.close()
        let name = try #require(names.first)

        let damaged = try FunAudioProcess.run(["check"], in: folder.url)
        #expect(damaged.status != 0)
        for name in names { #expect(damaged.output.contains(name), "\(damaged.output)") }
        #expect(damaged.output.contains("\(names.count) problem"), "\(damaged.output)")

        let export = try FunAudioProcess.run(["export", "1", "--artifact", name, "--out", "out"], in: folder.url)
        #expect(export.status != 0)
        #expect(export.output.contains(name) && export.output.contains("damaged"), "\(export.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("out/\(name)").path))
    }
}
