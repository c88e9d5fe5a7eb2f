import Config
import Foundation
import Testing
@testable import Experiments

@Suite struct ExperimentFiles {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func aMinimalExperimentGetsEveryDefault() throws {
        let yaml = "name: tiny\ncells:\n  - kind: train\n"
        let value = try ExperimentSchema.root.resolve(SourcedNode.parse(yaml, file: "tiny.yaml"))
        #expect(value["model.fusion.kind"] == .string("cross_attention"))
        #expect(value["data.n_mels"] == .int(80))
        #expect(value["train.threads"] == .int(2))
        #expect(value["cells.0.kind"] == .string("train"))
    }

    @Test func docsMatchTheSchema() throws {
        let docs = Self.repository.appendingPathComponent("docs/experiments.md")
        let committed = try String(contentsOf: docs, encoding: .utf8)
        #expect(committed == ExperimentSchema.referenceMarkdown,
                "docs/experiments.md is stale: run `funaudio docs experiments > docs/experiments.md`")
    }
}
