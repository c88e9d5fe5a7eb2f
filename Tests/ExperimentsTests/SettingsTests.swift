import Config
import Foundation
import Models
import Testing
@testable import Experiments

/// The typed settings tree agrees with the schema: every shipped experiment decodes, and a
/// key's value in the file is the property's value.
@Suite struct Settings {
    static let experimentsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("experiments")

    @Test func everyShippedExperimentDecodes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.experimentsFolder.path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        for file in files {
            let path = Self.experimentsFolder.appendingPathComponent(file).path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            var overrides: [String] = []
            if text.contains("bert:") {
                overrides.append("model.bert.path=\(Self.experimentsFolder.path)")  // any existing folder: only loading is checked
            }
            if text.contains("corpus: ../corpora/") {
                overrides.append("data.corpus=builtin")  // a corpus a script makes (flite.yaml), absent from a fresh clone
            }
            for experiment in try Experiment.load(path, overrides: overrides) {
                #expect(experiment.settings.cells.count == experiment.config["cells"]?.list?.count, "\(file)")
            }
        }
    }

    @Test func valuesReachTheirProperties() throws {
        let folder = try temporaryFolder(["x.yaml": """
            name: x
            seed: 7
            data: {n_fft: 512, hop: 128, held_out_speakers: 2}
            model: {fusion: {kind: film}, decoder: {pitch: true, harmonics: true, voicing: true, relative_pitch: true}}
            train: {lr: 2, schedule: noam, keep_checkpoints: 5}
            cells:
              - {kind: markdown, text: hello}
              - {kind: evaluate}
              - {kind: synthesize, sentences: [a, b]}
            """])
        let settings = try Experiment.load(folder + "/x.yaml")[0].settings
        #expect(settings.seed == 7 && settings.train.seed == 7)
        #expect(settings.data.mel.nFFT == 512 && settings.data.mel.winLength == 512 && settings.data.mel.hopLength == 128)
        #expect(settings.data.heldOutSpeakers == 2)
        #expect(settings.model.fusion.kind == .film && settings.model.decoder.pitch && settings.model.decoder.harmonics
                && settings.model.decoder.voicing && settings.model.decoder.relativePitch)
        #expect(settings.train.lr == 2 && settings.train.schedule == .noam && settings.train.keepCheckpoints == 5)
        #expect(settings.cells == [.markdown(text: "hello"), .evaluate(utterances: 16),
                                   .synthesize(sentences: ["a", "b"], reference: nil)])
    }

    @Test(arguments: [("harmonics", "pitch"), ("voicing", "pitch"), ("relative_pitch", "voicing")])
    func pitchCompanionsWithoutWhatTheyNeedAreRefusedWithTheFix(key: String, needs: String) throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\nmodel: {decoder: {\(key): true}}\ncells: [{kind: prepare}]\n"])
        #expect {
            try Experiment.load(folder + "/x.yaml")
        } throws: { error in
            "\(error)".contains("model.decoder.\(key)") && "\(error)".contains("model.decoder.\(needs): true")
        }
    }

    @Test func theSchemaOffersExactlyTheCellKindsTheRunnerKnows() {
        guard case .list(.tagged(_, let variants)) = ExperimentSchema.root.field("cells")?.kind else {
            Issue.record("cells is not a list of tagged sections"); return
        }
        #expect(variants.map(\.name) == Cell.Kind.allCases.map(\.rawValue))
    }
}
