import Foundation
import Tensor

extension OpsBenchmark {
    /// `funaudio bench ops`: each op's timings beside PyTorch's forward + backward, and the
    /// per-round ratio FunAudio / PyTorch of forward + backward with its 95 % interval.
    public struct Report: BenchmarkReport {
        public var ops: [Timing]
        /// PyTorch's median forward + backward ms by op name.
        public var peer: [String: Double]
        public var ratios: [String: RatioEstimate]
        public var rounds: Int, repeats: Int
        public var torch: String?
        public var loadBefore: Double?, loadAfter: Double?

        enum CodingKeys: String, CodingKey {
            case ops, peer = "torch_forward_backward_ms", ratios = "forward_backward_ratio", rounds, repeats, torch
            case loadBefore = "load_before", loadAfter = "load_after"
        }

        public var text: String {
            var lines = ["\(rounds) interleaved rounds after one warm-up, medians of \(repeats) run(s) per op and round"
                         + (torch.map { "; PyTorch \($0)" } ?? ""),
                         "op".padding(toLength: 36, withPad: " ", startingAt: 0)
                         + "  fwd ms fwd+bwd ms  (cpu ms) GFLOP/s  torch f+b  FunAudio/torch (95 %)"]
            for t in ops {
                let gflops = t.forwardGflops.map { String(format: "%7.1f", $0) } ?? String(repeating: " ", count: 7)
                let torch = peer[t.name].map { ms in
                    String(format: " %9.3f  ", ms) + (ratios[t.name].map { ratio in
                        "\(fixed(ratio.median, 2)) (\(fixed(ratio.low, 2))–\(fixed(ratio.high, 2)))"
                    } ?? "")
                } ?? ""
                lines.append(t.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                             + String(format: " %7.3f %10.3f %9.3f ", t.forwardMilliseconds, t.forwardBackwardMilliseconds,
                                      t.forwardBackwardCPUMilliseconds) + gflops + torch)
            }
            lines.append("load average \(loadText(loadBefore, loadAfter))")
            return lines.joined(separator: "\n")
        }
    }

    /// Times the ops (those whose name contains `filter`) and, unless `withPeer` is false,
    /// PyTorch's in interleaved rounds; `progress` gets each counted round.
    public static func compare(rounds: Int, repeats: Int, filter: String?, withPeer: Bool,
                               progress: (Int) -> Void = { _ in }) throws -> Report {
        let peer = try withPeer ? PeerSession(script: "ops.py", arguments: [
            "--repeats", "\(repeats)", "--threads", "\(Parallel.threadCount)",
        ] + (filter.map { ["--filter", $0] } ?? [])) : nil
        return try compare(rounds: rounds, repeats: repeats, filter: filter, peer: peer, progress: progress)
    }

    /// The rounds against any peer that speaks the protocol (tests use a fake one): the peer
    /// prints `<op name>` → forward + backward ms for each op in each round.
    static func compare(rounds: Int, repeats: Int, filter: String?, peer: PeerSession?,
                        progress: (Int) -> Void = { _ in }) throws -> Report {
        let loadBefore = Measure.loadAverage
        let selected = selected(filter)
        let figures = try Interleaved.run(rounds: rounds, peer: peer, ours: {
            var round: [String: Double] = [:]
            for (c, inputs) in selected {
                let (forward, both, cpu) = measure(c, inputs, repeats: repeats)
                round[c.name] = both
                round["\(c.name)|forward"] = forward
                round["\(c.name)|cpu"] = cpu
            }
            return round
        }, progress: progress)
        peer?.close()
        let ops = selected.map { c, _ in
            let forward = figures.median(ours: "\(c.name)|forward")
            return Timing(name: c.name, forwardMilliseconds: forward, forwardBackwardMilliseconds: figures.median(ours: c.name),
                          forwardBackwardCPUMilliseconds: figures.median(ours: "\(c.name)|cpu"),
                          forwardGflops: c.flops.map { $0 / (forward * 1e6) })
        }
        var torch: [String: Double] = [:], ratios: [String: RatioEstimate] = [:]
        for (c, _) in selected {
            torch[c.name] = figures.median(peer: c.name)
            ratios[c.name] = figures.ratio(c.name, over: c.name)
        }
        return Report(ops: ops, peer: torch, ratios: ratios, rounds: rounds, repeats: repeats,
                      torch: peer?.ready["torch"]?.description, loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }
}
