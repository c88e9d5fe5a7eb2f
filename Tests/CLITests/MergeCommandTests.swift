import Foundation
import Testing
import Tracking

/// `funaudio merge` as a user runs it: two at once, again, and on a bad shard.
@Suite struct MergeCommandTests {
    /// `folder/shards/<i>/runs.db`, each with one finished run of 1,000 points and an artifact.
    static func makeShards(_ count: Int, in folder: TestFolder) throws {
        for index in 0..<count {
            let path = folder.url.appendingPathComponent("shards/\(index)")
            try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
            let store = try RunStore(path: path.appendingPathComponent("runs.db").path)
            let run = try store.startRun(RunDescription(experiment: "sweep", config: "point: \(index)\n",
                                                        params: ["point": .int(Int64(index))], sweepID: "sweep-1"))
            for step in 0..<1000 { run.record("train.loss", step: step, value: Double(index) + 1 / Double(step + 1)) }
            try run.putArtifact(name: "notes.txt", kind: "text", mediaType: "text/plain", data: Data("point \(index)".utf8))
            try run.finish()
        }
    }

    @Test func twoMergesAtOnceNeitherCorruptNorDuplicate() throws {
        let folder = try TestFolder([:])
        try Self.makeShards(6, in: folder)
        let merges = try (0..<2).map { _ in try FunAudioProcess(["merge", "--from", "shards"], in: folder.url) }
        let results = merges.map { $0.finish() }
        for result in results { #expect(result.status == 0, "\(result.output)") }
        let added = results.map { result in
            result.output.split(separator: "\n").filter { $0.hasSuffix("(added)") }.count
        }
        #expect(added.reduce(0, +) == 6, "\(results.map(\.output))")
        let store = try RunStore(path: folder.path("runs.db"), create: false)
        #expect(try store.runs().count == 6)
        #expect(try store.integrity() == "ok")
        let again = try FunAudioProcess.run(["merge", "--from", "shards"], in: folder.url)
        #expect(again.output.contains("0 runs added, 0 updated, 6 unchanged; 0 metric points"), "\(again.output)")
        #expect(try store.runs().count == 6)
    }

    @Test func aBadShardIsAnErrorNamingIt() throws {
        let folder = try TestFolder([:])
        try Self.makeShards(1, in: folder)
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.path("shards/bad.db")))
        let result = try FunAudioProcess.run(["merge", "shards/0", "shards/bad.db"], in: folder.url)
        #expect(result.status != 0)
        #expect(result.output.contains("cannot merge shard \(folder.path("shards/bad.db")): not a FunAudio database"),
                "\(result.output)")
        let store = try RunStore(path: folder.path("runs.db"), create: false)
        #expect(try store.runs().isEmpty)
        let missing = try FunAudioProcess.run(["merge", "shards/nothing"], in: folder.url)
        #expect(missing.status != 0)
        #expect(missing.output.contains("shards/nothing: no such file or folder"), "\(missing.output)")
    }
}
