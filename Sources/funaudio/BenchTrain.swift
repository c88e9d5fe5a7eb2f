import ArgumentParser
import Benchmarks

/// `funaudio bench train`: the bench model's training step and inference against PyTorch.
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the bench model 'ref-small' on a fixed batch; time it against PyTorch.",
        discussion: """
            Prints parameters, ms per training step (median after warm-up), ms per batch-1 \
            inference, achieved GFLOP/s, the OpenBLAS sgemm ceiling and peak memory, the loss \
            at the first and last step, and the Swift/PyTorch ratios from \
            scripts/peers/bench_train.py run in the same invocation.
            """
    )

    @Option(help: "Timed training steps (the median is reported).")
    var steps = 30

    @Option(help: "Untimed training steps before the timed ones.")
    var warmup = 3

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    func validate() throws {
        guard steps >= 1, warmup >= 0 else { throw ValidationError("--steps must be ≥ 1 and --warmup ≥ 0") }
    }

    func run() throws {
        let report = try TrainBenchmark.compare(steps: steps, warmup: warmup, withPeer: !noPeer) { step, loss in
            if !json && (step == 0 || (step + 1) % 10 == 0) { print("step \(step + 1): loss \(String(format: "%.4f", loss))") }
        }
        print(report.rendered(json: json))
    }
}
