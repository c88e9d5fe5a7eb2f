import ArgumentParser
import Audio
import Data
import Foundation
import Models

/// `funaudio models-demo`: the measurement the Models issue asks for, before the experiment
/// runner exists: build the built-in corpus, train a quickstart-sized model, score it on
/// held-out sentences and an unseen voice, speak a held-out sentence in an unseen voice and
/// draw the prediction over the ground truth.
struct ModelsDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models-demo", abstract: "Train, evaluate and synthesise a quickstart-sized model (measurements).",
        shouldDisplay: false)

    @Option(help: "Built-in corpus utterances.") var utterances = 400
    @Option(help: "Built-in corpus speakers (the last one is held out).") var speakers = 5
    @Option(help: "Optimizer steps.") var steps = 600
    @Option(help: "Batch size.") var batch = 16
    @Option(help: "Hidden width.") var dim = 128
    @Option(help: "Peak learning rate.") var lr = 2e-3
    @Option(help: "Fusion kind(s), comma-separated.") var fusion = "cross_attention"
    @Option(help: "Threads.") var threads = 2
    @Option(help: "Held-out utterances to score.") var evaluate = 24
    @Option(help: "Output folder (checkpoint, wav, PNG).") var out = "models-demo"

    func run() throws {
        let recipe = try BuiltInCorpus.Recipe(utterances: utterances, speakers: speakers, seed: 1)
        let folder = try BuiltInCorpus.build(recipe) { done, total in
            if done % 50 == 0 { print("corpus \(done)/\(total)") }
        }
        let corpus = try Corpus.load(folder)
        let data = try CorpusUtterances(corpus: corpus, features: try MelFeatures.load(for: corpus),
                                        validationFraction: 0.1, heldOutSpeakers: 1, seed: 1)
        print("train \(data.train.count), validation \(data.validation.count), unseen voice \(data.unseenSpeakers.count), symbols \(data.symbols.count)")
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        for kind in fusion.split(separator: ",") {
            guard let kind = FusionConfig.Kind(rawValue: String(kind)) else { throw ValidationError("unknown fusion \(kind)") }
            try trainOne(kind, data, outURL)
        }
    }

    func trainOne(_ kind: FusionConfig.Kind, _ data: CorpusUtterances, _ outURL: URL) throws {
        let modelConfig = ModelConfig(
            text: .phonemes, symbols: data.symbols, features: data.features, dim: dim,
            textEncoder: TextEncoderConfig(layers: 2, heads: 2, ffn: 2 * dim, dropout: 0.1), wordFeatureDim: nil,
            audioEncoder: AudioEncoderConfig(kind: .cnn, layers: 3), fusion: FusionConfig(kind: kind, heads: 2),
            decoder: DecoderConfig(kind: .conv, layers: 4, postnet: false, pitch: false, energy: false),
            vocoder: VocoderConfig(iterations: 32, momentum: 0.99))
        let config = TrainConfig(steps: steps, batchSize: batch, optimizer: .adam, lr: lr, weightDecay: 0,
                                 schedule: .warmupCosine, warmup: min(50, steps / 10), clip: 1, loss: .l1,
                                 durationWeight: 1, validateEvery: max(1, steps / 6), checkpointEvery: steps,
                                 threads: threads, seed: 1)
        let model = FusionTTS(modelConfig, seed: 1)
        let heldOut = Array(data.validation.prefix(evaluate)), unseen = Array(data.unseenSpeakers.prefix(evaluate))
        let before = try model.evaluate(heldOut)
        print("[\(kind.rawValue)] \(model.parameterCount) parameters; step 0 held-out mel L1 \(f(before.melL1)), MCD \(f(before.mcd))")
        let trainer = try Trainer(model: model, config: config, train: data.train, validation: heldOut)
        let log = Log(every: max(1, steps / 12))
        let start = Date()
        try trainer.run(observer: log)
        let seconds = Date().timeIntervalSince(start)
        let after = try model.evaluate(heldOut), voice = try model.evaluate(unseen)
        print("[\(kind.rawValue)] trained \(steps) steps in \(f(seconds)) s, \(f(Double(steps * batch) / seconds)) utterances/s (incl. validation)")
        print("[\(kind.rawValue)] held-out:     mel L1 \(f(after.melL1)) (\(f(100 * after.melL1 / before.melL1)) % of step 0), MCD \(f(after.mcd)) dB, SC \(f(after.spectralConvergence)), duration error \(f(after.durationError)) frames")
        print("[\(kind.rawValue)] unseen voice: mel L1 \(f(voice.melL1)), MCD \(f(voice.mcd)) dB, SC \(f(voice.spectralConvergence)), duration error \(f(voice.durationError)) frames")
        try Checkpoint(modelConfig: model.config, trainConfig: config, step: trainer.step,
                       dropoutState: model.dropoutSource.generator.state, model: model.stateDict())
            .write(to: outURL.appendingPathComponent("\(kind.rawValue).safetensors"))

        // A held-out sentence in an unseen voice (the reference is another of its recordings).
        let target = try require(data.unseenSpeakers.first)
        let synthesizer = try Synthesizer(model: model)
        let t0 = Date()
        let result = try synthesizer.synthesize(symbols: target.tokens.map { data.symbols[$0] }, referenceMel: target.reference)
        let synthSeconds = Date().timeIntervalSince(t0)
        let audioSeconds = Double(result.samples.count) / Double(result.sampleRate)
        print("[\(kind.rawValue)] synthesis of \(target.id): \(f(audioSeconds)) s of audio in \(f(synthSeconds)) s, real-time factor \(f(synthSeconds / audioSeconds)); frames \(result.mel.frames) vs ground truth \(target.mel.frames)")
        try AudioFile.write(Waveform(samples: result.samples, sampleRate: result.sampleRate),
                            to: outURL.appendingPathComponent("\(kind.rawValue)-\(target.id).wav"))
        let features = data.features
        try SpectrogramPlot(axes: features.plotAxes())
            .image(prediction: features.powerSpectrogram(result.mel), groundTruth: features.powerSpectrogram(target.mel))
            .writePNG(to: outURL.appendingPathComponent("\(kind.rawValue)-\(target.id).png").path)
    }

    private func f(_ x: Double) -> String { String(format: "%.3f", x) }
}

private func `require`<T>(_ value: T?) throws -> T {
    guard let value else { throw ValidationError("no held-out utterance of an unseen speaker") }
    return value
}

private final class Log: TrainingObserver {
    let every: Int
    init(every: Int) { self.every = every }
    func trainerDidStep(_ report: StepReport) {
        if report.step % every == 0 || report.step == 1 {
            let parts = report.losses.keys.sorted().map { "\($0) \(String(format: "%.3f", report.losses[$0]!))" }
            print("step \(report.step)/\(report.totalSteps) lr \(String(format: "%.2e", report.learningRate)) \(parts.joined(separator: " ")) \(String(format: "%.1f", report.utterancesPerSecond)) utt/s")
        }
    }
    func trainerDidValidate(step: Int, metrics: [String: Double]) {
        print("validate step \(step): \(metrics.keys.sorted().map { "\($0) \(String(format: "%.3f", metrics[$0]!))" }.joined(separator: " "))")
    }
}
