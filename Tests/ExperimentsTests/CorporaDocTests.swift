import Data
import Foundation
import Testing
@testable import Experiments

/// Every YAML example of docs/corpora.md is an experiment file that loads, with the corpus
/// folders it names made beside it.
@Test func corporaDocExamplesLoad() throws {
    let docs = try String(contentsOf: ExperimentFiles.repository.appendingPathComponent("docs/corpora.md"), encoding: .utf8)
    let blocks = docs.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    #expect(blocks.count >= 2)
    for (n, yaml) in blocks.enumerated() {
        let folder = try temporaryFolder(["experiments/example-\(n).yaml": yaml])
        for line in yaml.split(separator: "\n") where line.trimmingCharacters(in: .whitespaces).hasPrefix("corpus: ") {
            let corpus = line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
            guard corpus != "builtin" else { continue }
            try FileManager.default.createDirectory(atPath: folder + "/experiments/" + corpus, withIntermediateDirectories: true)
        }
        do {
            _ = try Experiment.load(folder + "/experiments/example-\(n).yaml")
        } catch {
            Issue.record("docs/corpora.md, YAML example \(n + 1): \(error)")
        }
    }
}

/// The durations.jsonl line of docs/corpora.md parses and sums to the length it states.
@Test func corporaDocDurationsExampleParses() throws {
    let docs = try String(contentsOf: ExperimentFiles.repository.appendingPathComponent("docs/corpora.md"), encoding: .utf8)
    let line = try #require(docs.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first)
    let parsed = DurationsFile.parse(Data(line.utf8), path: "docs/corpora.md")
    #expect(parsed.problems.isEmpty)
    let phonemes = try #require(parsed.alignments.values.first)
    #expect(docs.contains("a file of \(phonemes.reduce(0) { $0 + $1.duration }) samples"))
}
