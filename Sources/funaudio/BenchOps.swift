import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench ops`: Tensor kernel timings at the bench model's shapes.
struct BenchOps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Time Tensor ops (forward, forward + backward) at the bench model's shapes.")

    @Option(help: "Timed repetitions per op (median reported).")
    var repeats = 20

    @Option(help: "Only ops whose name contains this text.")
    var filter: String?

    @Flag(help: "Print one JSON array instead of a table.")
    var json = false

    func run() throws {
        let timings = OpsBenchmark.run(repeats: repeats, filter: filter)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(timings), as: UTF8.self))
            return
        }
        print("op".padding(toLength: 38, withPad: " ", startingAt: 0) + "   fwd ms  fwd+bwd ms  (cpu ms)  fwd GFLOP/s")
        for t in timings {
            let gflops = t.forwardGflops.map { String(format: "%11.1f", $0) } ?? ""
            print(t.name.padding(toLength: 38, withPad: " ", startingAt: 0)
                  + String(format: " %8.3f %11.3f %9.3f ", t.forwardMilliseconds, t.forwardBackwardMilliseconds,
                                  t.forwardBackwardCPUMilliseconds) + gflops)
        }
    }
}
