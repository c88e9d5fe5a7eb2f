import Foundation
import Testing
import Tracking
@testable import Experiments

/// A corpus a run cannot use is an error before the run exists: nothing in runs.db.
@Suite struct CorpusCheckBeforeRunTests {
    /// Runs `yaml` (as `x.yaml` among `files`) and returns the error and the runs recorded.
    func failure(_ yaml: String, files: [String: String] = [:]) throws -> (message: String, runs: Int) {
        let folder = try temporaryFolder(files.merging(["x.yaml": yaml]) { a, _ in a })
        let store = try RunStore(path: folder + "/runs.db")
        let runner = Runner(store: store, options: RunOptions(
            reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
        var message = ""
        do {
            _ = try runner.run(Experiment.load(folder + "/x.yaml"))
        } catch {
            message = "\(error)"
        }
        return (message, try store.runs().count)
    }

    @Test func holdingOutTheOnlyBuiltInSpeakerFailsBeforeTheRun() throws {
        let (message, runs) = try failure("name: x\ndata:\n  builtin: {utterances: 10, speakers: 1}\ntrain: {threads: 1}\ncells: [{kind: prepare}]\n")
        #expect(runs == 0)
        #expect(message.contains("data.held_out_speakers is 1"), "\(message)")
        #expect(message.contains("set `data.held_out_speakers: 0`"), "\(message)")
    }

    @Test func aFolderWithoutMetadataFailsBeforeTheRun() throws {
        let (message, runs) = try failure("name: x\ndata: {corpus: wavs}\ntrain: {threads: 1}\ncells: [{kind: prepare}]\n",
                                          files: ["wavs/readme.txt": "no metadata here"])
        #expect(runs == 0)
        #expect(message.contains("wavs/metadata.csv: cannot read it"), "\(message)")
    }

    @Test func aCorpusWithoutDurationsFailsBeforeTheRunWhenTrainingReadsThem() throws {
        let (message, runs) = try failure("name: x\ndata: {corpus: speech, held_out_speakers: 0, durations: file}\ntrain: {threads: 1}\ncells: [{kind: prepare}]\n",
                                          files: ["speech/metadata.csv": "a|Hello there.|hello there.\n"])
        #expect(runs == 0)
        #expect(message.contains("speech/durations.jsonl: no such file"), "\(message)")
        #expect(message.contains("set `data.durations: auto`"), "\(message)")
        #expect(message.contains("docs/corpora.md"), "\(message)")
    }

    @Test func cellsThatReadNoCorpusNeedNone() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ndata:\n  builtin: {speakers: 1}\ntrain: {threads: 1}\ncells: [{kind: markdown, text: hi}]\n"])
        let store = try RunStore(path: folder + "/runs.db")
        let outcomes = try Runner(store: store, options: RunOptions(reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
            .run(Experiment.load(folder + "/x.yaml"))
        #expect(outcomes.map(\.status) == [.finished])
    }

    @Test func aRerunIsCheckedBeforeItsRunToo() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ndata:\n  builtin: {speakers: 1}\ntrain: {threads: 1}\ncells: [{kind: markdown, text: hi}]\n"])
        let store = try RunStore(path: folder + "/runs.db")
        let runner = Runner(store: store, options: RunOptions(reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
        let first = try runner.run(Experiment.load(folder + "/x.yaml"))[0]
        #expect(throws: (any Error).self) { try runner.rerun(first.runID, overrides: ["cells=[{kind: prepare}]"]) }
        #expect(try store.runs().count == 1)
    }
}
