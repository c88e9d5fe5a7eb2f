import Config
import Data
import Foundation
import Testing
@testable import Experiments

/// `data.n_fft`, `data.hop`, `data.n_mels`, `data.fmin`, `data.fmax`: settings the mel
/// analysis cannot use are refused when the file is loaded, naming the key, not in `prepare`.
@Suite struct MelFeatureSettingsTests {
    /// The outside tester's settings: 256 mel bands over 33 FFT bins (the run used to segfault).
    @Test func emptyMelBandsAreRefusedBeforeTheRunNamingTheKey() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: prepare}]\ndata:\n  n_mels: 256\n"])
        do {
            _ = try Experiment.load(folder + "/x.yaml", overrides: ["data.n_fft=64", "data.hop=16"])
            Issue.record("256 mel bands over 33 FFT bins must be refused")
        } catch {
            let issue = try #require(error.issues.first)
            #expect(error.issues.count == 1)
            #expect(issue.keyPath == "data.n_mels")
            #expect(issue.description.hasPrefix("\(folder)/x.yaml:4:11: data.n_mels:"), "\(issue)")
            #expect(issue.message.contains("at most"), "\(issue.message)")
        }
        // The same file with an FFT large enough loads.
        _ = try Experiment.load(folder + "/x.yaml", overrides: ["data.n_fft=2048", "data.hop=16"])
    }

    /// One source of truth: the schema's defaults are Data's ``MelSettings``.
    @Test func schemaDefaultsAreTheTrainingMelSettings() throws {
        let folder = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: prepare}]\n"])
        let config = try #require(try Experiment.load(folder + "/x.yaml").first).config
        let settings = MelSettings()
        #expect(config["data.sample_rate"]?.int == MelSettings.sampleRate)
        #expect(config["data.n_fft"]?.int == settings.nFFT)
        #expect(config["data.hop"]?.int == settings.hopLength)
        #expect(config["data.n_mels"]?.int == settings.nMels)
        #expect(config["data.fmin"]?.double == settings.fmin)
        #expect(config["data.fmax"]?.double == settings.fmax)
    }
}
