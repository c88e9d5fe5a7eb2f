@testable import Benchmarks
import Testing

@Suite struct InterleavedTests {
    @Test func medianIntervalUsesOrderStatistics() {
        // n = 15: P(Bin(15, ½) ≤ 3) = 0.0176 ≤ 0.025 < P(≤ 4) = 0.059, so k = 4: the 4th smallest and largest.
        let values = (1...15).map(Double.init).shuffled()
        let (low, high) = Measure.medianInterval(values)
        #expect(low == 4 && high == 12)
        // n = 6: P(X = 0) = 1/64 ≤ 0.025 < P(X ≤ 1) = 7/64, so k = 1: the range.
        #expect(Measure.medianInterval([3, 1, 2, 6, 5, 4]) == (1, 6))
        // Too few values for any k: still the range, never out of bounds.
        #expect(Measure.medianInterval([2, 1]) == (1, 2))
        #expect(Measure.medianInterval([7]) == (7, 7))
    }

    @Test func ratioIsTheMedianOfPerRoundRatios() {
        // A load spike in round 2 slows both sides alike: the per-round ratio stays 0.5.
        let estimate = RatioEstimate(ours: [5, 50, 5, 6, 5, 5], peer: [10, 100, 10, 12, 10, 10])
        #expect(estimate.median == 0.5 && estimate.low == 0.5 && estimate.high == 0.5 && estimate.rounds == 6)
        #expect(RatioEstimate(ours: [1, 2, 3], peer: [1, 1, 1]).median == 2)
    }

    @Test func peerSessionAlternatesRoundsWithAPeerProcess() throws {
        // A shell peer speaking the protocol: ready, then one object per `round`, exit on `quit`.
        let script = """
            echo '{"torch": "fake", "threads": 2}'
            n=0
            while read line; do
              [ "$line" = quit ] && exit 0
              n=$((n + 1)); echo "{\\"ms\\": $n}"
            done
            """
        let session = try PeerSession(executable: "/bin/sh", arguments: ["-c", script])
        #expect(session.ready["torch"] == .string("fake"))
        #expect(try session.number("ms", in: session.round()) == 1)
        #expect(try session.number("ms", in: session.round()) == 2)
        #expect(throws: Peer.Failure.self) { try session.number("missing", in: session.round()) }
        session.close()
    }

    @Test func aPeerThatDiesIsAClearError() throws {
        let session = try PeerSession(executable: "/bin/sh", arguments: ["-c", "echo '{}'; read line; exit 3"])
        #expect(throws: Peer.Failure.self) { try session.round() }
    }
}
