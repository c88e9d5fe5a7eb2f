import Config
import Foundation
import Testing
@testable import Experiments

/// `data.corpus` is `builtin` or a folder: relative to the experiment file that names it,
/// relative to the shell for `--set`, and refused at load time when it does not exist.
@Suite struct CorpusPathTests {
    @Test func aRelativeCorpusIsReadRelativeToTheExperimentFile() throws {
        let folder = try temporaryFolder(["experiments/x.yaml": "name: x\ncells: [{kind: prepare}]\ndata:\n  corpus: ../speech\n"])
        try FileManager.default.createDirectory(atPath: folder + "/speech", withIntermediateDirectories: true)
        let experiment = try Experiment.load(folder + "/experiments/x.yaml")[0]
        #expect(URL(fileURLWithPath: experiment.settings.data.corpus).standardizedFileURL.path
                == URL(fileURLWithPath: folder + "/speech").standardizedFileURL.path)
    }

    @Test func aRelativeCorpusGivenWithSetIsReadRelativeToTheCurrentDirectory() throws {
        let folder = try temporaryFolder(["experiments/x.yaml": "name: x\ncells: [{kind: prepare}]\n"])
        let name = "funaudio-corpus-path-\(UUID().uuidString)"
        let here = FileManager.default.currentDirectoryPath
        try FileManager.default.createDirectory(atPath: here + "/" + name, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: here + "/" + name) }
        let experiment = try Experiment.load(folder + "/experiments/x.yaml", overrides: ["data.corpus=\(name)"])[0]
        #expect(experiment.settings.data.corpus == URL(fileURLWithPath: here).appendingPathComponent(name).path)
    }

    @Test func builtinStaysTheKeyword() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: prepare}]\ndata:\n  corpus: builtin\n"])
        #expect(try Experiment.load(folder + "/x.yaml")[0].settings.data.corpus == "builtin")
        #expect(try Experiment.load(folder + "/x.yaml", overrides: ["data.corpus=builtin"])[0].settings.data.corpus == "builtin")
    }

    @Test func aMissingCorpusFolderIsAnErrorAtItsKey() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: prepare}]\ndata:\n  corpus: no-such-folder\n"])
        do {
            _ = try Experiment.load(folder + "/x.yaml")
            Issue.record("a missing corpus folder must be refused")
        } catch {
            #expect(error.description.hasPrefix("\(folder)/x.yaml:4:11: data.corpus: file 'no-such-folder' does not exist"),
                    "\(error.description)")
        }
    }
}
