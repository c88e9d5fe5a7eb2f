import Config
import Foundation
import Testing
@testable import Experiments

/// Writes files (`name` or `folder/name`) into a fresh temporary folder and returns its path.
func temporaryFolder(_ files: [String: String]) throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("funaudio-experiments-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        let file = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
    return folder.path
}

@Suite struct Loading {
    @Test func sweepGivesOneExperimentPerPointAndSetAppliesToAll() throws {
        let folder = try temporaryFolder(["ablation.yaml": """
            name: ablation
            cells: [{kind: train}]
            sweep:
              grid:
                model.fusion.kind: [attention_pool, cross_attention, concat, film]
            """])
        let experiments = try Experiment.load(folder + "/ablation.yaml", overrides: ["train.steps=10"])
        #expect(experiments.map { $0.config["model.fusion.kind"]?.string } ==
                ["attention_pool", "cross_attention", "concat", "film"])
        #expect(experiments.allSatisfy { $0.config["train.steps"] == .int(10) })
        #expect(experiments[3].sweepLabel == "model.fusion.kind=film")
        #expect(Set(experiments.map(\.configJSON)).count == 4)
    }

    @Test func crossKeyRulesPointAtTheKey() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\ndata:\n  fmax: 12000\n"])
        do {
            _ = try Experiment.load(folder + "/x.yaml")
            Issue.record("fmax above Nyquist must be refused")
        } catch {
            #expect(error.description == "\(folder)/x.yaml:4:9: data.fmax: must not exceed half of data.sample_rate (11025.0 Hz)")
        }
    }

    @Test func fineTuningNeedsAnEncoderAndFeedsItsLearningRateScale() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\nmodel:\n  bert:\n    finetune: true\n"])
        #expect(throws: ConfigError.self) { try Experiment.load(folder + "/x.yaml") }
        let tuned = try Experiment.load(folder + "/x.yaml", overrides: ["model.bert.path=\(folder)", "model.bert.lr_scale=0.2"])[0]
        #expect(tuned.settings.train.bertLRScale == 0.2)
        let frozen = try Experiment.load(folder + "/x.yaml", overrides: ["model.bert.path=\(folder)", "model.bert.finetune=false"])[0]
        #expect(frozen.settings.train.bertLRScale == nil)
    }

    @Test func allProblemsComeAtOnce() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\nseed: -1\n"])
        do {
            _ = try Experiment.load(folder + "/x.yaml", overrides: ["model.fusion.kind=flim", "nonsense"])
            Issue.record("expected errors")
        } catch {
            #expect(error.issues.count == 3)
        }
    }

    @Test func theSameFileGivesTheSameConfigText() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\n"])
        let a = try Experiment.load(folder + "/x.yaml"), b = try Experiment.load(folder + "/x.yaml")
        #expect(a[0].configJSON == b[0].configJSON)
    }
}
