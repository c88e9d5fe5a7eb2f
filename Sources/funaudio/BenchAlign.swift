import ArgumentParser
import Benchmarks
import Experiments
import Models

/// `funaudio bench align`: the learned aligner's share of a training step, and its forward-sum
/// loss against PyTorch's `ctc_loss`.
struct BenchAlign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Time the learned aligner against a training step, and its forward-sum loss against PyTorch.",
        discussion: """
            Builds the model of an experiment file (default: the quickstart's), learning its \
            durations with the aligner (model.aligner.*), and a synthetic \
            batch with the built-in corpus's lengths (20–60 phonemes, about 7 frames each, \
            batch = train.batch_size), then times in interleaved rounds: FunAudio's training \
            step, the aligner's forward and backward (its two convolutional encoders, distance \
            matrix, prior, soft attention, forward-sum, MAS, binarization), the same after the \
            encoders (from fixed keys and queries), the forward-sum alone, and PyTorch's ctc_loss \
            forward-sum (scripts/peers/bench_align.py). Reports medians, the aligner's share of \
            the step and the FunAudio/PyTorch ratio with its 95 % interval. Build in release \
            (`swift build -c release`) for figures worth quoting.
            """
    )

    @Option(help: "The experiment file whose model and train settings are timed.")
    var experiment = "experiments/quickstart.yaml"

    @Option(name: .customLong("set"), help: "Override a setting of the experiment (KEY=VALUE, repeatable).")
    var overrides: [String] = []

    @Option(help: "Timed rounds (after one warm-up round).")
    var rounds = 15

    @Option(help: "Calls per figure within a round (its median is the round's figure).")
    var repeats = 5

    @Flag(help: "Print one JSON object (train_step_ms, aligner_ms, aligner_share, aligner_core_ms, aligner_core_share, forward_sum_ms, torch_forward_sum_ms, forward_sum_ratio).")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    func validate() throws {
        guard rounds >= 1, repeats >= 1 else { throw ValidationError("--rounds and --repeats must be at least 1") }
    }

    func run() throws {
        let settings = try Experiment.load(experiment, overrides: overrides)[0].settings
        // The symbols only size the embedding table: an inventory as large as espeak-ng's English one.
        let symbols = ["<pad>"] + (1..<64).map { "p\($0)" }
        let model = settings.model.config(text: .phonemes, symbols: symbols,
                                          features: MelFormat(sampleRate: settings.data.sampleRate, settings: settings.data.mel),
                                          wordFeatureDim: nil, bert: nil, learnsDurations: true)
        var shapes = AlignBenchmark.Shapes()
        shapes.batch = settings.train.batchSize
        let report = try AlignBenchmark.run(model: model, train: settings.train, shapes: shapes, rounds: rounds,
                                            repeats: repeats, withPeer: !noPeer) { round in
            if !json && (round == 1 || round % 5 == 0) { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
