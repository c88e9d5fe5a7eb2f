import Config
import Foundation
import Models
import Testing
import Tracking
@testable import Experiments

/// The `train_vocoder` cell at toy size, and the `vocoder` key of the cells that speak.
@Suite(.serialized) struct VocoderCellTests {
    static let data = """
        data:
          builtin: {utterances: 24, speakers: 3}
          sample_rate: 8000
          n_fft: 256
          hop: 64
          n_mels: 20
          fmax: 4000
        model:
          dim: 16
          text_encoder: {layers: 1, heads: 2, ffn: 32}
          fusion: {kind: cross_attention, heads: 2}
          decoder: {layers: 1}
          vocoder: {iterations: 4}
        train: {steps: 2, batch_size: 4, validate_every: 2, checkpoint_every: 2, threads: 1}
        """
    static let vocoder = """
        name: voc
        \(data)
        cells:
          - {kind: prepare}
          - {kind: train_vocoder, vocos: {dim: 16, intermediate: 32, layers: 1}, steps: 4, batch_size: 2,
             segment_frames: 16, warmup: 0, validate_every: 2, checkpoint_every: 2, examples: 2}
        """
    static let speaker = """
        name: tts
        \(data)
        cells:
          - {kind: train}
          - {kind: evaluate, utterances: 1, vocoder: voc}
          - {kind: synthesize, sentences: ["Hello."], vocoder: voc}
        """

    let folder: String
    let store: RunStore
    let runner: Runner

    init() throws {
        folder = try temporaryFolder(["voc.yaml": Self.vocoder, "tts.yaml": Self.speaker])
        store = try RunStore(path: folder + "/runs.db")
        runner = Runner(store: store, options: RunOptions(reportsDirectory: nil,
                                                          cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
    }

    /// Unless the cell says otherwise, the mel L1 term dominates the loss as in Vocos and HiFi-GAN.
    @Test func theMelLossWeighsAsInVocos() throws {
        let cells = try #require(Experiment.load(folder + "/voc.yaml").first).settings.cells
        guard case .trainVocoder(let settings) = cells[1] else { Issue.record("cell 1 is \(cells[1].kind.rawValue)"); return }
        #expect(settings.melWeight == 45)
        #expect(settings.trainConfig(threads: 1, seed: 1).melWeight == 45)
    }

    @Test func aVocoderTrainsIsHeardBesideGriffinLimAndSpeaksForAModel() throws {
        let outcome = try runner.run(Experiment.load(folder + "/voc.yaml"))[0]
        #expect(outcome.status == .finished, "\(outcome.error ?? "")")
        let names = Set(try store.artifacts(run: outcome.runID).map(\.name))
        for step in [2, 4] {
            for n in 0..<2 {
                for file in ["target.wav", "target.png", "griffinlim.wav", "griffinlim.png", "neural.wav", "neural.png", "text.txt"] {
                    let name = String(format: "vocoder/step-%07d/%02d/", step, n) + file
                    #expect(names.contains(name), "missing \(name)")
                }
            }
        }
        #expect(names.contains("vocoder-4.safetensors"))
        for key in ["griffin_lim.mcd", "griffin_lim.mrstft", "griffin_lim.vuv_f1", "val.mcd", "val.mrstft", "val.vuv_f1",
                    "train.loss", "train.mel", "train.stft_sc"] {
            #expect(try !store.metricSeries(run: outcome.runID, key: key).isEmpty, "no \(key)")
        }
        #expect(try store.metricSeries(run: outcome.runID, key: "val.mcd").map(\.step) == [2, 4])

        let speaker = try runner.run(Experiment.load(folder + "/tts.yaml"))[0]
        #expect(speaker.status == .finished, "\(speaker.error ?? "")")
        let spoken = Set(try store.artifacts(run: speaker.runID).map(\.name))
        #expect(spoken.contains("eval/00/predicted.wav") && spoken.contains("synth/00/predicted.wav"))

        let missing = try runner.run(Experiment.load(folder + "/tts.yaml", overrides: ["cells.1.vocoder=nowhere.safetensors"]))[0]
        #expect(missing.status == .failed)
        #expect(missing.error?.contains("vocoder `nowhere.safetensors` is neither a file") == true, "\(missing.error ?? "")")
    }

    /// A WaveNet trained adversarially from `gan_start`: the discriminator and generator
    /// adversarial curves start there, and its checkpoint holds its noise and the discriminators.
    @Test func aWaveNetTrainsAgainstDiscriminatorsFromGanStart() throws {
        let outcome = try runner.run(Experiment.load(folder + "/voc.yaml", overrides: [
            "name=wave", "cells.1.vocoder=wavenet", "cells.1.wavenet={layers: 2, stacks: 1, residual_channels: 4, gate_channels: 4, skip_channels: 4}",
            "cells.1.gan_start=2", "cells.1.gan={periods: [2], period_channels: [4, 4], resolution_channels: 2}",
            "cells.1.examples=0"]))[0]
        #expect(outcome.status == .finished, "\(outcome.error ?? "")")
        for key in ["train.discriminator", "train.adversarial", "train.feature_matching"] {
            #expect(try store.metricSeries(run: outcome.runID, key: key).map(\.step) == [3, 4], "\(key)")
        }
        #expect(try store.metricSeries(run: outcome.runID, key: "train.mel").map(\.step) == [1, 2, 3, 4])
        let last = try #require(try store.artifacts(run: outcome.runID).first { $0.name == "vocoder-4.safetensors" })
        let checkpoint = try VocoderCheckpoint(decoding: store.data(of: last))
        #expect(checkpoint.spec.kind == .wavenet && checkpoint.randomState != nil && !checkpoint.adversary.isEmpty)
    }

    @Test func badVocoderSettingsNameTheirKeys() throws {
        for (override, key) in [(["cells.1.vocos.dim=0"], "cells.1.vocos.dim"), (["cells.1.vocoder=wavenot"], "cells.1.vocoder"),
                                (["cells.1.segment_frames=1"], "cells.1.segment_frames"),
                                (["cells.1.vocoder=wavenet", "cells.1.wavenet.stacks=3"], "cells.1.wavenet.stacks"),
                                (["cells.1.vocoder=wavenet", "cells.1.wavenet.gate_channels=5"], "cells.1.wavenet.gate_channels"),
                                (["cells.1.gan_start=2", "cells.1.gan.period_channels=[]"], "cells.1.gan.period_channels"),
                                (["cells.1.gan.periods=[0]"], "cells.1.gan.periods.0")] {
            do {
                _ = try Experiment.load(folder + "/voc.yaml", overrides: override)
                Issue.record("\(override) must be refused")
            } catch {
                #expect(error.issues.contains { $0.keyPath == key }, "\(override): \(error)")
            }
        }
        let both = try temporaryFolder(["x.yaml": "name: x\ncells: [{kind: train}, {kind: train_vocoder}]\n"])
        do {
            _ = try Experiment.load(both + "/x.yaml")
            Issue.record("train and train_vocoder in one notebook must be refused")
        } catch {
            #expect(error.issues.contains { $0.keyPath == "cells" && $0.message.contains("train_vocoder") }, "\(error)")
        }
    }
}
