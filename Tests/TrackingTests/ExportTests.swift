import Foundation
import Testing
@testable import Tracking

/// `funaudio export`: artifacts (and with --all the config and metrics) back out as files.
struct ExportTests {
    @Test func allWritesArtifactsConfigAndMetrics() throws {
        let dir = try TemporaryDirectory()
        let store = try ExampleDatabase.build(at: dir.databasePath)
        let out = dir.url.appendingPathComponent("export", isDirectory: true)
        let files = try store.export(run: 1, names: nil, to: out).map { $0.path.replacingOccurrences(of: out.path + "/", with: "") }
        #expect(files == ["samples/hello.wav", "checkpoint.safetensors", "config.yaml", "metrics.csv"])
        let checkpoint = try Data(contentsOf: out.appendingPathComponent("checkpoint.safetensors"))
        #expect(checkpoint == Data(repeating: 0, count: 10_000))
        let config = try String(contentsOf: out.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(config.contains("kind: concat"))
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("key,step,value,wall_time\r\ntrain.loss,0,2.1,"))
        #expect(csv.split(separator: "\r\n").count == 1 + 50 + 5)
    }

    @Test func namedArtifactsOnly() throws {
        let dir = try TemporaryDirectory()
        let store = try ExampleDatabase.build(at: dir.databasePath)
        let out = dir.url.appendingPathComponent("one")
        let files = try store.export(run: 2, names: ["samples/hello.wav"], to: out)
        #expect(files.map(\.lastPathComponent) == ["hello.wav"])
        #expect(try Data(contentsOf: files[0]) == store.data(of: store.artifact(run: 2, name: "samples/hello.wav")))
        #expect(throws: TrackingError.noSuchArtifact(run: 2, name: "nope")) {
            try store.export(run: 2, names: ["nope"], to: dir.url.appendingPathComponent("two"))
        }
    }

    @Test func repeatedNamesGetTheirStep() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        for step in [100, 200] {
            try run.putArtifact(name: "sample.wav", kind: "audio", mediaType: "audio/wav", data: Data([UInt8(step / 100)]), step: step)
        }
        try run.finish()
        let files = try store.export(run: run.id, names: nil, to: dir.url.appendingPathComponent("out"))
        #expect(files.map(\.lastPathComponent) == ["sample.step100.wav", "sample.step200.wav", "config.yaml", "metrics.csv"])
    }

    @Test func namesThatEscapeTheDirectoryAreRefused() throws {
        let dir = try TemporaryDirectory()
        let store = try RunStore(path: dir.databasePath)
        let run = try store.startRun(sampleRun())
        try run.putArtifact(name: "../evil.txt", kind: "text", mediaType: "text/plain", data: Data("x".utf8))
        try run.finish()
        let out = dir.url.appendingPathComponent("out")
        #expect(throws: TrackingError.self) { try store.export(run: run.id, names: ["../evil.txt"], to: out) }
        #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("evil.txt").path))
    }

    @Test func anOutputFolderThatCannotBeMadeIsNamedAsSuch() throws {
        let dir = try TemporaryDirectory()
        let store = try ExampleDatabase.build(at: dir.databasePath)
        let file = dir.url.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let error = #expect(throws: TrackingError.self) {
            try store.export(run: 1, names: nil, to: file.appendingPathComponent("out"))
        }
        #expect("\(error!)".hasPrefix("cannot write \(file.path)/out"), "\(error!)")
        #expect("\(error!)".contains("\(file.path) is a file, not a folder"), "\(error!)")
        #expect(!"\(error!)".contains("runs database"), "\(error!)")
    }
}
