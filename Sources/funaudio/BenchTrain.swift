import ArgumentParser
import Benchmarks

/// `funaudio bench train`: the bench model's training step and inference against PyTorch.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time the bench model 'ref-small' (training step, batch-1 inference) against PyTorch eager and torch.compile.",
        discussion: """
            Times in interleaved rounds (FunAudio, PyTorch, FunAudio, PyTorch …; one warm-up \
            round first): FunAudio's training step of ref-small on a fixed batch of 16 (L1 loss, \
            Adam) and its batch-1 inference in eval mode, then the same in PyTorch eager and \
            torch.compile (scripts/peers/bench_train.py, kept running between rounds; it \
            compiles once at start-up, outside the rounds, which can take minutes). Prints \
            each side's medians, FunAudio/PyTorch as the median of the per-round ratios with a \
            95 % interval, GFLOP/s, the sgemm ceiling, peak memory, the loss at the first and \
            last step and the load average before and after. If torch.compile fails on this \
            machine, the report says why in one line and gives the eager figures only. Build \
            in release (`swift build -c release --product funaudio`) for figures worth quoting.
            """
    )

    @Option(help: "Timed rounds (after one warm-up round).")
    var rounds = 15

    @Option(help: "Training steps per round (their median is the round's figure).")
    var repeats = 3

    @Option(help: "Batch-1 inferences per round.")
    var inferRepeats = 10

    @Flag(help: "Print one JSON object (train_step_ms, infer_ms, peer, train_step_ratio, infer_ratio, compiled_train_step_ratio, compiled_infer_ratio, load_before, load_after, …).")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    @Flag(help: "Time PyTorch eager only (torch.compile takes minutes at start-up on a loaded machine).")
    var noCompile = false

    func validate() throws {
        guard rounds >= 1, repeats >= 1, inferRepeats >= 1 else {
            throw ValidationError("--rounds, --repeats and --infer-repeats must be at least 1")
        }
    }

    func run() throws {
        var settings = TrainBenchmark.Settings()
        settings.rounds = rounds
        settings.repeats = repeats
        settings.inferRepeats = inferRepeats
        settings.compile = !noCompile
        let report = try TrainBenchmark.compare(settings, withPeer: !noPeer) { round in
            if !json && (round == 1 || round % 5 == 0) { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
