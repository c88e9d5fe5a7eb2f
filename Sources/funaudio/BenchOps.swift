import ArgumentParser
import Benchmarks

/// `funaudio bench ops`: Tensor kernel timings at the bench model's shapes, with the same
/// ops in PyTorch (`scripts/peers/ops.py`) run in the same invocation.
struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Time Tensor ops (forward, forward + backward) at the bench model's shapes against PyTorch.")

    @Option(help: "Timed repetitions per op (median reported).")
    var repeats = 20

    @Option(help: "Only ops whose name contains this text.")
    var filter: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    func run() throws {
        print(try OpsBenchmark.compare(repeats: repeats, filter: filter, withPeer: !noPeer).rendered(json: json))
    }
}
