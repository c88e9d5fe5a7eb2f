import ArgumentParser
import Benchmarks

/// `funaudio bench profile`: ref-small's step and inference op by op, beside PyTorch's profile.
struct BenchProfile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Show where ref-small's training step and batch-1 inference spend their time, op by op, beside PyTorch's profile.",
        discussion: """
            Runs one warm-up step and inference, then --steps of each with every Tensor op \
            charged the time since the op before it (forward under the op's name, gradients \
            under '<op> backward'; 'optimizer', 'zero grad' and 'accumulate grad' are the \
            phases between ops), and prints ms per step, share and calls per step, largest \
            first. Beside it, PyTorch's profile of the same model (torch.profiler, self CPU \
            time of each aten op; scripts/peers/profile_train.py). The two run one after the \
            other: read each row against its own side's total. For FunAudio/PyTorch ratios, \
            use `funaudio bench train`. Build in release for figures worth reading.
            """)

    @Option(help: "Profiled training steps and inferences (after one warm-up each).")
    var steps = 5

    @Flag(help: "Print one JSON object (train, infer, torch_train, torch_infer: rows of op, ms, calls, share).")
    var json = false

    @Flag(help: "Do not run the PyTorch peer.")
    var noPeer = false

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        print(try ProfileBenchmark.run(steps: steps, withPeer: !noPeer).rendered(json: json))
    }
}
