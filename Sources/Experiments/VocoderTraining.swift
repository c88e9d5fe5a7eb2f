import Audio
import Foundation
import Models
import Reports
import Tracking

/// The keys of a `train_vocoder` cell (declared, with their docs, in ``ExperimentSchema``).
public struct VocoderCellSettings: Decodable, Sendable, Equatable {
    public var vocoder: VocoderSpec.Kind
    public var vocos: VocoderSpec.Vocos
    public var wavenet: VocoderSpec.WaveNet
    public var steps: Int
    public var batchSize: Int
    public var segmentFrames: Int
    public var optimizer: TrainConfig.OptimizerKind
    public var lr: Double
    public var weightDecay: Double
    public var schedule: TrainConfig.ScheduleKind
    public var warmup: Int
    public var clip: Double
    public var melWeight: Double
    public var phaseWeight: Double
    public var validateEvery: Int
    public var checkpointEvery: Int
    public var keepCheckpoints: Int
    public var ganStart: Int?
    public var gan: GANConfig
    /// Held-out utterances heard and scored at every validation.
    public var examples: Int

    public var spec: VocoderSpec { VocoderSpec(kind: vocoder, vocos: vocos, wavenet: wavenet) }

    /// The trainer's configuration, with the run's thread count and seed.
    public func trainConfig(threads: Int, seed: Int) -> VocoderTrainConfig {
        VocoderTrainConfig(steps: steps, batchSize: batchSize, segmentFrames: segmentFrames, optimizer: optimizer, lr: lr,
                           weightDecay: weightDecay, schedule: schedule, warmup: warmup, clip: clip, melWeight: melWeight, phaseWeight: phaseWeight,
                           validateEvery: validateEvery, checkpointEvery: checkpointEvery, keepCheckpoints: keepCheckpoints,
                           ganStart: ganStart, gan: gan, threads: threads, seed: UInt64(seed))
    }
}

extension CellLibrary {
    /// Trains a neural vocoder on the corpus audio (or continues an interrupted run's), and at
    /// every validation lets the same held-out utterances be heard as ground truth, Griffin-Lim
    /// and the vocoder, with their spectrograms and scores.
    func trainVocoder(_ settings: VocoderCellSettings, index: Int, context: RunContext) throws -> String {
        let data = try context.requireData(cellIndex: index)
        let features = data.utterances.features
        let items = Dictionary(data.corpus.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let train = data.train
        let corpus = VocoderCorpus(mels: train.map(\.mel)) { i in
            guard let item = items[train[i].id] else { throw RunError("utterance \(train[i].id) is not in the corpus") }
            return try data.corpus.waveform(of: item).samples
        }
        let heldOut = Array((data.validation.isEmpty ? data.unseen : data.validation).prefix(settings.examples))
        var examples: [VocoderExample] = []
        for utterance in heldOut {
            guard let samples = data.audio(of: utterance) else { throw RunError("cannot read the audio of \(utterance.id)") }
            examples.append(VocoderExample(mel: utterance.mel, samples: samples))
        }
        let config = settings.trainConfig(threads: context.settings.train.threads, seed: context.settings.seed)
        let trainer: VocoderTrainer
        if let bytes = context.resumeCheckpoint, VocoderCheckpoint.isVocoderCheckpoint(bytes) {
            trainer = try VocoderTrainer(resuming: VocoderCheckpoint(decoding: bytes, file: "run \(context.run.id) checkpoint"),
                                         config: config, corpus: corpus, validation: examples)
            context.run.log("resuming the vocoder at step \(trainer.step) of \(config.steps)")
        } else {
            trainer = try VocoderTrainer(spec: settings.spec, features: features, config: config, corpus: corpus,
                                         validation: examples)
        }
        // The baseline every later score is read against: Griffin-Lim on the same mels (its
        // audio is heard beside the vocoder's at every validation; its scores recorded once).
        let griffinLim = try GriffinLimVocoder(features: features, config: context.settings.model.vocoder)
        let baseline = try examples.map { try griffinLim($0.mel) }
        if trainer.step == 0, !examples.isEmpty {
            let scores = try zip(baseline, examples).map { try trainer.scorer.score($0, against: $1.samples) }
            for (key, value) in VocoderScores.mean(scores) {
                context.run.record(.griffinLimBaseline(key), step: 0, value: value, cell: index)
            }
        }
        let media = VocoderMedia(run: context.run, cell: index, features: features, examples: examples,
                                 griffinLim: baseline, texts: heldOut.map { data.text(of: $0) })
        let recorder = TrainingRecorder(run: context.run, cellIndex: index, totalSteps: config.steps, startStep: trainer.step,
                                        keepCheckpoints: config.keepCheckpoints, checkpointPrefix: "vocoder",
                                        didValidate: {
                                            do { try media.writeValidation(step: trainer.step, audio: trainer.lastValidationAudio) } catch {
                                                context.run.log("vocoder examples at step \(trainer.step) not stored: \(error)", level: .warning)
                                            }
                                            context.writeLivePage()
                                        })
        let started = Date()
        let outcome = try trainer.run(observer: recorder)
        if let failure = recorder.storeFailure {
            throw RunError("vocoder training stopped at step \(trainer.step): \(failure)")
        }
        let seconds = Date().timeIntervalSince(started)
        switch outcome {
        case .finished(let step):
            return "Trained a \(settings.vocoder.rawValue) vocoder of \(trainer.vocoder.parameterCount.formatted()) parameters for \(step) steps in \(Progress.clock(seconds))" +
                " (last loss \(trainer.lastLoss.map { String(format: "%.4f", $0) } ?? "–")). Use it with `vocoder: \(context.run.id)` in an" +
                " evaluate or synthesize cell, or `funaudio export \(context.run.id) --artifact vocoder-\(step).safetensors --out DIR`" +
                " and `funaudio synth --vocoder DIR/vocoder-\(step).safetensors`."
        case .stopped(let step):
            return "Stopped at step \(step) of \(config.steps) by a signal; `funaudio resume \(context.run.id)` continues."
        }
    }
}

/// The held-out examples of a vocoder run at one validation, as artifact groups
/// `vocoder/step-<s>/<n>`: the ground truth (`target.*`), Griffin-Lim and the vocoder side by
/// side, audio and spectrogram each, so the page shows the vocoder's output overtaking
/// Griffin-Lim's. Unchanged files (the ground truth, Griffin-Lim) are stored once by hash.
struct VocoderMedia {
    let run: Run
    let cell: Int
    let features: MelFormat
    let examples: [VocoderExample]
    let griffinLim: [[Float]]
    let texts: [String]

    func writeValidation(step: Int, audio: [[Float]]) throws {
        let plot = try SpectrogramPlot(axes: .init(of: features.melSpectrogram()))
        for (n, neural) in audio.enumerated() where n < examples.count {
            let group = String(format: "vocoder/step-%07d/%02d", step, n)
            func put(_ name: String, _ kind: String, _ type: String, _ data: Data) throws {
                try run.putArtifact(name: "\(group)/\(name)", kind: kind, mediaType: type, data: data, cell: cell, step: step)
            }
            for (name, samples) in [("target", examples[n].samples), ("griffinlim", griffinLim[n]), ("neural", neural)] {
                try put("\(name).wav", "audio", "audio/wav",
                        AudioFile.encode(Waveform(samples: samples, sampleRate: features.sampleRate), format: .wav16))
                let mel = name == "target" ? examples[n].mel : try features.logMel(samples)
                try put("\(name).png", "image", "image/png", plot.image(features.powerSpectrogram(mel)).pngData())
            }
            try put("text.txt", "text", "text/plain", Data(texts[n].utf8))
        }
    }
}

extension RunContext {
    /// The trained vocoder a cell's `vocoder` key names: a checkpoint file (relative to the
    /// experiment file, or absolute), else a run (id or experiment name) whose latest
    /// `vocoder-<step>.safetensors` is in runs.db.
    func vocoderCheckpoint(_ name: String) throws -> VocoderCheckpoint {
        let base = URL(fileURLWithPath: experiment.file).deletingLastPathComponent()
        let expanded = (name as NSString).expandingTildeInPath
        let file = expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
        if FileManager.default.fileExists(atPath: file.path) { return try VocoderCheckpoint(contentsOf: file) }
        let runID: Int64
        do { runID = try store.resolveRun(name) } catch {
            throw RunError("vocoder `\(name)` is neither a file (looked for \(file.path)) nor a run in runs.db: \(error)")
        }
        let checkpoints = try store.artifacts(run: runID).filter { $0.kind == "checkpoint" && $0.name.hasPrefix("vocoder-") }
        guard let last = checkpoints.max(by: { ($0.step ?? -1, $0.id) < ($1.step ?? -1, $1.id) }) else {
            throw RunError("run \(runID) (vocoder `\(name)`) has no vocoder checkpoint: give a run with a `train_vocoder` cell")
        }
        return try VocoderCheckpoint(decoding: store.data(of: last), file: "run \(runID) \(last.name)")
    }
}
