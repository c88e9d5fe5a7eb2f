import Foundation
import Testing

/// The reading commands on a runs.db that the user may not write (file 0444 in a 0555
/// folder, run as `nobody`): they work, and the database's files stay byte for byte the same.
@Suite struct ReadOnlyDatabaseTests {
    /// Every file under `folder` with its bytes.
    private func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let names = FileManager.default.subpaths(atPath: folder.path) ?? []
        for name in names {
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    private func chmod(_ mode: Int, _ url: URL) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    @Test func readingCommandsWorkOnAReadOnlyDatabaseAndChangeNothing() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 2)])
        let ro = folder.url.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: ro, withIntermediateDirectories: true)
        let made = try FunAudioProcess.run(["run", "tiny.yaml", "--db", "ro/runs.db"], in: folder.url)
        #expect(made.status == 0, "\(made.output)")
        for name in try FileManager.default.contentsOfDirectory(atPath: ro.path) {
            try chmod(0o444, ro.appendingPathComponent(name))
        }
        try chmod(0o555, ro)
        let out = folder.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try chmod(0o777, out)
        let before = try snapshot(ro)

        for command in [["list"], ["show", "1"], ["sql", "SELECT 1"], ["sql", "SELECT COUNT(*) FROM runs"],
                        ["report", "1", "--out", "out/reports"], ["export", "1", "--all", "--out", "out/export"],
                        ["check"]] {
            let result = try FunAudioProcess.run(command + ["--db", "ro/runs.db"], in: folder.url, asNobody: true)
            #expect(result.status == 0, "\(command): \(result.output)")
            #expect(!result.output.contains("readonly"), "\(command): \(result.output)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("export/config.yaml").path))
        // ro/runs.db is not the default ./runs.db: its pages have their own folder.
        let pages = FileManager.default.subpaths(atPath: out.appendingPathComponent("reports").path) ?? []
        #expect(pages.contains { $0.hasPrefix("db-runs-") && $0.hasSuffix("/1/index.html") }, "\(pages)")
        #expect(try snapshot(ro) == before)

        // Asked to write, it says the file is read-only.
        let write = try FunAudioProcess.run(["sql", "--write", "DELETE FROM tags", "--db", "ro/runs.db"],
                                            in: folder.url, asNobody: true)
        #expect(write.status != 0)
        #expect(write.output.contains("cannot write the file or its folder"), "\(write.output)")
        #expect(try snapshot(ro) == before)
        try chmod(0o755, ro)
    }
}
