import ArgumentParser
import Benchmarks

/// `funaudio bench ops`: Tensor kernel timings at the bench model's shapes, interleaved with
/// the same ops in PyTorch (`scripts/peers/ops.py`, kept running between rounds).
struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Time Tensor ops (forward, forward + backward) at the bench model's shapes against PyTorch.",
        discussion: """
            Each round times every op here (median of --repeats runs), then every op in \
            PyTorch (one warm-up round first). Prints medians over the rounds, the process CPU \
            time of forward + backward, GFLOP/s of the matrix products, FunAudio/PyTorch of \
            forward + backward as the median of the per-round ratios with a 95 % interval, and \
            the load average before and after.
            """)

    @Option(help: "Timed rounds (after one warm-up round).")
    var rounds = 10

    @Option(help: "Runs per op and round (their median is the round's figure).")
    var repeats = 5

    @Option(help: "Only ops whose name contains this text.")
    var filter: String?

    @Flag(help: "Print one JSON object (ops, torch_forward_backward_ms, forward_backward_ratio, load_before, load_after).")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    func validate() throws {
        guard rounds >= 1, repeats >= 1 else { throw ValidationError("--rounds and --repeats must be at least 1") }
    }

    func run() throws {
        let report = try OpsBenchmark.compare(rounds: rounds, repeats: repeats, filter: filter, withPeer: !noPeer) { round in
            if !json && (round == 1 || round % 5 == 0) { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
