import Config
import Foundation
import Models
import Testing
@testable import Experiments

/// `data.durations` and `model.aligner.*`: decoded once, carried into the model's
/// configuration only when the durations are learned, refused with the key when wrong.
@Suite struct LearnedDurationsSettingsTests {
    @Test func autoIsFileOnTheBuiltInCorpusAndLearnedOnAFolderWithout() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\n",
                                          "speech/metadata.csv": "a|Hi.|hi.\n"])
        let builtin = try Experiment.load(folder + "/x.yaml")[0].settings
        #expect(builtin.data.durations == .auto && !builtin.data.learnsDurations && builtin.data.needsDurations)
        let plain = try Experiment.load(folder + "/x.yaml", overrides: ["data.corpus=\(folder)/speech"])[0].settings
        #expect(plain.data.learnsDurations && !plain.data.needsDurations)
        FileManager.default.createFile(atPath: folder + "/speech/durations.jsonl", contents: Data())
        let withFile = try Experiment.load(folder + "/x.yaml", overrides: ["data.corpus=\(folder)/speech"])[0].settings
        #expect(!withFile.data.learnsDurations)
        let learned = try Experiment.load(folder + "/x.yaml", overrides: ["data.durations=learned"])[0].settings
        #expect(learned.data.learnsDurations)
    }

    @Test func alignerKeysReachTheModelConfigOnlyWhenLearning() throws {
        let folder = try temporaryFolder(["x.yaml": """
            name: x
            cells: [{kind: train}]
            model:
              aligner: {prior_weight: 0.5, forward_sum_weight: 2, binarization_start: 40, binarization_ramp: 0}
            """])
        let settings = try Experiment.load(folder + "/x.yaml")[0].settings
        let aligner = settings.model.aligner
        #expect(aligner == AlignerConfig(priorWeight: 0.5, forwardSumWeight: 2, binarizationWeight: 1,
                                         binarizationStart: 40, binarizationRamp: 0, attentionDim: 80, temperature: 0.0005))
        #expect(aligner.binarization.weight(atStep: 39) == 0 && aligner.binarization.weight(atStep: 40) == 1)
        func config(learning: Bool) -> ModelConfig {
            settings.model.config(text: .phonemes, symbols: ["<pad>", "a"], features: .tiny, wordFeatureDim: nil,
                                  bert: nil, learnsDurations: learning)
        }
        #expect(config(learning: true).aligner == aligner)
        #expect(config(learning: false).aligner == nil)
    }

    @Test(arguments: [("data.durations=sometimes", "data.durations"),
                      ("model.aligner.prior_weight=-1", "model.aligner.prior_weight"),
                      ("model.aligner.binarization_start=-5", "model.aligner.binarization_start"),
                      ("model.aligner.temperature=0", "model.aligner.temperature"),
                      ("model.aligner.attention=8", "model.aligner.attention")])
    func badValuesNameTheirKey(override: String, key: String) throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}]\n"])
        do {
            _ = try Experiment.load(folder + "/x.yaml", overrides: [override])
            Issue.record("\(override) must be refused")
        } catch {
            #expect(error.description.contains(key), "\(error.description)")
        }
    }
}
