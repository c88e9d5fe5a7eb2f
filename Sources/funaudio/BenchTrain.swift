import ArgumentParser
import Benchmarks
import Foundation

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
        let result = try TrainBenchmark.run(steps: steps, warmup: warmup) { step, loss in
            if !json && (step == 0 || (step + 1) % 10 == 0) {
                print("step \(step + 1): loss \(String(format: "%.4f", loss))")
            }
        }
        let peer = noPeer ? nil : try Peer.run("bench_train.py", arguments: ["--steps", String(steps), "--warmup", String(warmup)])
        let peerStep = peer?["train_step_ms"] as? Double, peerInfer = peer?["infer_ms"] as? Double
        // On a shared machine the two runs may see different loads; each side's sgemm rate,
        // measured in its own run, puts the ratios at equal ceilings.
        let ceilings = (peer?["sgemm_gflops"] as? Double).map { result.sgemmGflops / $0 }

        if json {
            var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as! [String: Any]
            if let peer {
                object["peer"] = peer
                object["train_step_ratio"] = peerStep.map { result.trainStepMilliseconds / $0 }
                object["infer_ratio"] = peerInfer.map { result.inferMilliseconds / $0 }
                if let ceilings, let peerStep, let peerInfer {
                    object["train_step_ratio_equal_ceiling"] = result.trainStepMilliseconds / peerStep * ceilings
                    object["infer_ratio_equal_ceiling"] = result.inferMilliseconds / peerInfer * ceilings
                }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        print("""
            ref-small: \(result.params) parameters, batch 16, \(result.steps) timed steps after \(warmup) warm-up
              loss          first step \(String(format: "%.4f", result.lossFirst)), last step \(String(format: "%.4f", result.lossLast))
              train step    \(f(result.trainStepMilliseconds)) ms  (\(f(result.gflops)) GFLOP/s; sgemm ceiling \(f(result.sgemmGflops)) GFLOP/s)
              inference     \(f(result.inferMilliseconds, 2)) ms  (batch 1)
              peak memory   \(f(result.peakRSSMegabytes, 0)) MB
            """)
        if let peerStep, let peerInfer {
            print("""
                PyTorch \(peer?["torch"] ?? "?") (\(peer?["threads"] ?? "?") threads): train step \(f(peerStep)) ms, inference \(f(peerInfer, 2)) ms
                  ratio Swift/PyTorch: train step \(f(result.trainStepMilliseconds / peerStep, 2)), inference \(f(result.inferMilliseconds / peerInfer, 2))
                """)
            if let ceilings, let peerSgemm = peer?["sgemm_gflops"] as? Double {
                print("""
                      at equal sgemm ceilings (PyTorch's run measured \(f(peerSgemm)) GFLOP/s): \
                    train step \(f(result.trainStepMilliseconds / peerStep * ceilings, 2)), \
                    inference \(f(result.inferMilliseconds / peerInfer * ceilings, 2))
                    """)
            }
        }
    }
}
