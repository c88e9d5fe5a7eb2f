import Foundation

extension OpsBenchmark {
    /// PyTorch's timing of one op (`scripts/peers/ops.py`, keyed by the op's name).
    public struct PeerTiming: Codable, Sendable {
        public var forwardBackwardMilliseconds: Double
        enum CodingKeys: String, CodingKey { case forwardBackwardMilliseconds = "forward_backward_ms" }
    }

    /// `funaudio bench ops`: each op's timings beside PyTorch's forward + backward.
    public struct Report: BenchmarkReport {
        public var ops: [Timing]
        public var peer: [String: PeerTiming]

        enum CodingKeys: String, CodingKey { case ops, peer = "torch_forward_backward_ms" }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ops, forKey: .ops)
            try c.encode(peer.mapValues(\.forwardBackwardMilliseconds), forKey: .peer)
        }

        public var text: String {
            var lines = ["op".padding(toLength: 36, withPad: " ", startingAt: 0)
                         + "  fwd ms fwd+bwd ms  (cpu ms) GFLOP/s  torch f+b  ratio"]
            for t in ops {
                let gflops = t.forwardGflops.map { String(format: "%7.1f", $0) } ?? String(repeating: " ", count: 7)
                let torch = peer[t.name].map {
                    String(format: " %9.3f %6.2f", $0.forwardBackwardMilliseconds,
                           t.forwardBackwardMilliseconds / $0.forwardBackwardMilliseconds)
                } ?? ""
                lines.append(t.name.padding(toLength: 36, withPad: " ", startingAt: 0)
                             + String(format: " %7.3f %10.3f %9.3f ", t.forwardMilliseconds, t.forwardBackwardMilliseconds,
                                      t.forwardBackwardCPUMilliseconds) + gflops + torch)
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Times the ops (those whose name contains `filter`), then PyTorch's unless `withPeer` is false.
    public static func compare(repeats: Int, filter: String?, withPeer: Bool) throws -> Report {
        let ops = run(repeats: repeats, filter: filter)
        let peer = withPeer ? try Peer.decode([String: PeerTiming].self, from: "ops.py",
                                              arguments: ["--repeats", String(repeats)]) : [:]
        return Report(ops: ops, peer: peer)
    }
}
