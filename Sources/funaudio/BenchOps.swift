import ArgumentParser
import Benchmarks
import Foundation

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
        let timings = OpsBenchmark.run(repeats: repeats, filter: filter)
        let peer = noPeer ? [:] : try Peer.run("ops.py", arguments: ["--repeats", String(repeats)])
        let torchMs: [String: Double] = peer.compactMapValues {
            ($0 as? [String: Any])?["forward_backward_ms"] as? Double
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let ops = try JSONSerialization.jsonObject(with: encoder.encode(timings))
            let object: [String: Any] = ["ops": ops, "torch_forward_backward_ms": torchMs]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("op".padding(toLength: 36, withPad: " ", startingAt: 0)
              + "  fwd ms fwd+bwd ms  (cpu ms) GFLOP/s  torch f+b  ratio")
        for t in timings {
            let gflops = t.forwardGflops.map { String(format: "%7.1f", $0) } ?? String(repeating: " ", count: 7)
            let torch = torchMs[t.name].map {
                String(format: " %9.3f %6.2f", $0, t.forwardBackwardMilliseconds / $0)
            } ?? ""
            print(t.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                  + String(format: " %7.3f %10.3f %9.3f ", t.forwardMilliseconds, t.forwardBackwardMilliseconds,
                           t.forwardBackwardCPUMilliseconds) + gflops + torch)
        }
    }
}
