import Audio
import Data
import Foundation
import Models
import NN
import Testing
import Tensor

/// A tiny vocoder on a corpus of three tones at 8 kHz (n_fft 64, hop 16, 16 mels).
struct ToneCorpus {
    static let features: MelFormat = {
        var s = MelSettings()
        (s.nFFT, s.winLength, s.hopLength, s.nMels, s.fmin, s.fmax) = (64, 64, 16, 16, 0, 4000)
        return MelFormat(sampleRate: 8000, settings: s)
    }()
    static let spec = VocoderSpec(vocos: .init(dim: 32, intermediate: 64, layers: 2))
    static let wavenet = VocoderSpec(kind: .wavenet, vocos: spec.vocos,
                                     wavenet: .init(layers: 2, stacks: 1, residualChannels: 4, gateChannels: 4, skipChannels: 4))
    /// Discriminators of a few hundred parameters.
    static let gan = GANConfig(lr: 1e-3, periods: [2, 3], periodChannels: [4, 4], resolutionChannels: 2)

    static func tone(_ hz: Float, count: Int = 1200) -> [Float] {
        (0..<count).map { i in
            let t = Float(i) / 8000
            return 0.5 * sin(2 * .pi * hz * t) + 0.2 * sin(2 * .pi * 2.5 * hz * t)
        }
    }

    let waves = [tone(220), tone(330, count: 1000), tone(495, count: 900)]
    var mels: [LogMel] { waves.map { try! Self.features.logMel($0) } }
    var corpus: VocoderCorpus { let w = waves; return VocoderCorpus(mels: mels) { w[$0] } }
    var validation: [VocoderExample] { [VocoderExample(mel: try! Self.features.logMel(Self.tone(262, count: 800)), samples: Self.tone(262, count: 800))] }

    static func config(steps: Int, seed: UInt64 = 3) -> VocoderTrainConfig {
        VocoderTrainConfig(steps: steps, batchSize: 3, segmentFrames: 16, optimizer: .adamw, lr: 3e-3,
                           schedule: .constant, clip: 1, validateEvery: 5, checkpointEvery: 3, threads: 1, seed: seed)
    }
}

/// Collects what a trainer reports.
final class VocoderRecorder: TrainingObserver {
    var losses: [Double] = []
    var parts: [[String: Double]] = []
    var validations: [Int: [String: Double]] = [:]
    var checkpoints: [(step: Int, bytes: Data)] = []
    func trainerDidStep(_ report: StepReport) { losses.append(report.losses["loss"]!); parts.append(report.losses) }
    func trainerDidValidate(step: Int, metrics: [String: Double]) { validations[step] = metrics }
    func trainerDidCheckpoint(step: Int, bytes: Data) { checkpoints.append((step, bytes)) }
}

@Suite struct VocoderTrainerTests {
    let data = ToneCorpus()

    /// A segment's samples are those its mel frames describe: the features' log-mel of the
    /// batch waveform equals the batch mel away from the segment's edges (where padding differs).
    @Test func segmentSamplesLineUpWithTheirMelFrames() throws {
        let trainer = try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features,
                                         config: ToneCorpus.config(steps: 1), corpus: data.corpus, validation: [])
        let (mel, wave) = try trainer.batch(at: 7)
        #expect(mel.shape == [3, 16, 16] && wave.shape == [3, 15 * 16])
        let analysed = try WaveformLogMel(features: ToneCorpus.features)(wave)
        #expect(analysed.shape == [3, 16, 16])
        let (a, m) = (analysed.scalars, mel.scalars)
        var worst: Float = 0
        for b in 0..<3 { for t in 3..<12 { for k in 0..<16 { worst = max(worst, abs(a[(b * 16 + t) * 16 + k] - m[(b * 16 + t) * 16 + k])) } } }
        #expect(worst < 1e-2, "largest log-mel difference inside the segments: \(worst)")
        // The batch of a step depends on the seed and the step only.
        let again = try trainer.batch(at: 7)
        #expect(again.waveform.scalars == wave.scalars)
        #expect(try trainer.batch(at: 8).waveform.scalars != wave.scalars)
    }

    /// `phase_weight` adds the phase-advance term, with its weight, to the loss; unset, it is not computed.
    @Test func phaseWeightAddsThePhaseAdvanceTerm() throws {
        var config = ToneCorpus.config(steps: 1)
        let plain = try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features, config: config,
                                       corpus: data.corpus, validation: []).trainStep().losses
        #expect(plain["phase"] == nil)
        config.phaseWeight = 3
        let parts = try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features, config: config,
                                       corpus: data.corpus, validation: []).trainStep().losses
        let phase = try #require(parts["phase"])
        #expect(phase > 0 && phase <= 2)
        let sum = parts["mel"]! + parts["stft_sc"]! + parts["stft_mag"]! + 3 * phase
        #expect(abs(parts["loss"]! - sum) < 1e-4 * sum, "\(parts)")
        #expect(abs(parts["loss"]! - plain["loss"]! - 3 * phase) < 1e-4 * sum)
    }

    @Test func lossFallsOnTones() throws {
        let trainer = try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features,
                                         config: ToneCorpus.config(steps: 40), corpus: data.corpus,
                                         validation: data.validation)
        let recorder = VocoderRecorder()
        try trainer.run(observer: recorder)
        let first = recorder.losses.prefix(3).reduce(0, +) / 3, last = recorder.losses.suffix(5).reduce(0, +) / 5
        #expect(last < 0.75 * first, "loss \(first) → \(last): \(recorder.losses)")
        let metrics = try #require(recorder.validations[40])
        for key in ["val_mcd", "val_mrstft", "val_vuv_f1"] { #expect(metrics[key]?.isFinite == true, "\(key): \(metrics)") }
        #expect(trainer.lastValidationAudio.map(\.count) == [800])
    }

    /// Resuming from the step-3 checkpoint gives exactly the losses and weights of an
    /// uninterrupted run; a WaveNet's checkpoint carries the state of its noise, and the
    /// validation between (which draws noise too) is part of what it resumes after.
    @Test(arguments: [ToneCorpus.spec, ToneCorpus.wavenet])
    func resumeIsBitwise(spec: VocoderSpec) throws {
        let full = VocoderRecorder()
        var config = ToneCorpus.config(steps: 6)
        config.validateEvery = 3
        let trainer = try VocoderTrainer(spec: spec, features: ToneCorpus.features,
                                         config: config, corpus: data.corpus, validation: data.validation)
        try trainer.run(observer: full)
        let bytes = try #require(full.checkpoints.first { $0.step == 3 }).bytes
        let checkpoint = try VocoderCheckpoint(decoding: bytes)
        #expect(checkpoint.spec == spec && checkpoint.features == ToneCorpus.features)
        #expect((checkpoint.randomState != nil) == (spec.kind == .wavenet))
        let resumed = try VocoderTrainer(resuming: checkpoint, corpus: data.corpus, validation: data.validation)
        #expect(resumed.step == 3)
        let rest = VocoderRecorder()
        try resumed.run(observer: rest)
        #expect(rest.losses == Array(full.losses[3...]))
        let (a, b) = (trainer.vocoder.stateDict(), resumed.vocoder.stateDict())
        #expect(a.keys.sorted() == b.keys.sorted())
        for key in a.keys { #expect(a[key] == b[key], "\(key) differs") }
        #expect(resumed.vocoder.randomState == trainer.vocoder.randomState)
    }

    /// With `gan_start` 3 and checkpoints every 2 steps: resuming before the adversary starts
    /// (step 2) and after (step 4, discriminators and their Adam in the checkpoint) both
    /// continue exactly as the uninterrupted run; its losses show the discriminator and
    /// generator terms from step 4 on, and only then.
    @Test func ganResumeIsBitwiseAcrossGanStart() throws {
        var config = ToneCorpus.config(steps: 6)
        (config.checkpointEvery, config.ganStart, config.gan) = (2, 3, ToneCorpus.gan)
        let full = VocoderRecorder()
        let trainer = try VocoderTrainer(spec: ToneCorpus.wavenet, features: ToneCorpus.features, config: config,
                                         corpus: data.corpus, validation: [])
        try trainer.run(observer: full)
        let terms = ["discriminator", "adversarial", "feature_matching"]
        for (index, parts) in full.parts.enumerated() {
            for term in terms { #expect((parts[term] != nil) == (index >= 3), "step \(index + 1): \(parts)") }
        }
        for term in terms { #expect(full.parts.last?[term]?.isFinite == true) }
        let critics = try #require(trainer.adversary as? GANAdversary)
        #expect(critics.optimizer.stepCount == 3)

        for start in [2, 4] {
            let checkpoint = try VocoderCheckpoint(decoding: try #require(full.checkpoints.first { $0.step == start }).bytes)
            #expect(!checkpoint.adversary.isEmpty)
            let resumed = try VocoderTrainer(resuming: checkpoint, corpus: data.corpus, validation: [])
            let rest = VocoderRecorder()
            try resumed.run(observer: rest)
            #expect(rest.parts == Array(full.parts[start...]), "resumed at \(start)")
            #expect(resumed.vocoder.stateDict() == trainer.vocoder.stateDict(), "resumed at \(start)")
            let again = try #require(resumed.adversary as? GANAdversary)
            #expect(again.discriminators.stateDict() == critics.discriminators.stateDict(), "resumed at \(start)")
        }
    }

    @Test func badGANSettingsAreNamed() throws {
        var config = ToneCorpus.config(steps: 2)
        (config.ganStart, config.gan) = (0, GANConfig(periods: [2], periodChannels: []))
        #expect { try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features, config: config,
                                     corpus: data.corpus, validation: []) } throws: { "\($0)".contains("gan.period_channels") }
        (config.gan, config.segmentFrames) = (GANConfig(periods: [300], periodChannels: [4]), 16)
        #expect { try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features, config: config,
                                     corpus: data.corpus, validation: []) } throws: { "\($0)".contains("too few for the discriminators") }
        #expect(GANConfig(periods: [], resolutionChannels: 0).problem(nFFT: 64)?.key == "periods")
        #expect(GANConfig().problem(nFFT: 1024) == nil)
    }

    /// The default adversary is CPU-sized: tens of thousands of parameters, not HiFi-GAN's millions.
    @Test func defaultDiscriminatorsAreSmall() throws {
        var s = MelSettings()
        (s.nFFT, s.winLength, s.hopLength) = (1024, 1024, 256)
        let critics = try GANAdversary(config: GANConfig(), features: MelFormat(sampleRate: 22050, settings: s), seed: 1)
        #expect(critics.discriminators.parameterCount < 50_000, "\(critics.discriminators.parameterCount)")
    }

    @Test func upsampleScalesMultiplyToTheHop() {
        #expect(VocoderSpec.WaveNet.upsampleScales(hop: 256) == [4, 4, 4, 4])
        #expect(VocoderSpec.WaveNet.upsampleScales(hop: 200) == [4, 2, 5, 5])
        #expect(VocoderSpec.WaveNet.upsampleScales(hop: 16) == [4, 4])
        #expect(VocoderSpec.WaveNet.upsampleScales(hop: 1) == [1])
        for hop in 1...300 { #expect(VocoderSpec.WaveNet.upsampleScales(hop: hop).reduce(1, *) == hop) }
    }

    @Test func badSettingsAreNamed() throws {
        var config = ToneCorpus.config(steps: 2)
        config.segmentFrames = 3
        #expect { try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features, config: config,
                                     corpus: data.corpus, validation: []) } throws: { "\($0)".contains("segment_frames") }
        #expect { try VocoderCheckpoint(decoding: Checkpoint(FusionTTS(.tiny(symbols: ["a"]), seed: 1)).encoded()) }
            throws: { "\($0)".contains("not a FunAudio vocoder checkpoint") }
    }

    /// A trained vocoder speaks for a model only on the model's own mel features; copy
    /// synthesis gives as many samples as the recording, and one frame still gives a hop.
    @Test func aVocoderIsUsedOnlyOnItsOwnFeatures() throws {
        let trainer = try VocoderTrainer(spec: ToneCorpus.spec, features: ToneCorpus.features,
                                         config: ToneCorpus.config(steps: 1), corpus: data.corpus, validation: [])
        let checkpoint = try trainer.checkpoint()
        #expect { try Synthesizer(model: FusionTTS(.tiny(symbols: ["a"]), seed: 1), vocoder: checkpoint) }
            throws: { "\($0)".contains("other mel features") }
        let copy = try CopySynthesis(checkpoint: checkpoint, features: .tiny, griffinLim: VocoderConfig(iterations: 2, momentum: 0.99))
        #expect(copy.features == ToneCorpus.features)
        #expect(try copy(samples: data.waves[0]).count == data.waves[0].count)
        #expect(try copy(mel: LogMel(frames: 1, bands: 16, values: .init(repeating: -3, count: 16))).count == 16)
        #expect { try copy(mel: LogMel(frames: 4, bands: 20, values: .init(repeating: 0, count: 80))) }
            throws: { "\($0)".contains("reads 16 bands") }
    }
}
