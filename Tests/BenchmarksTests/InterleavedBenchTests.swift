import Foundation
import Testing
@testable import Benchmarks

/// The interleaved benches end to end against fake peers (shell scripts speaking the protocol of
/// scripts/peers/rounds.py): the order of the rounds and the keys of the reports. No timing is
/// judged, only that each figure is there and is where it should be.
@Suite struct InterleavedBenchTests {
    /// A shell peer: prints `ready`, then for round n the object `round` with `$n` replaced by
    /// n (1 for the warm-up round), and exits on `quit`.
    static func fakePeer(ready: String, round: String) throws -> PeerSession {
        let script = """
            echo '\(ready)'
            n=0
            while read line; do
              [ "$line" = quit ] && exit 0
              n=$((n + 1)); echo "\(round.replacingOccurrences(of: "\"", with: "\\\""))"
            done
            """
        return try PeerSession(executable: "/bin/sh", arguments: ["-c", script])
    }

    @Test func roundsAlternateOursAndThePeerAndSkipTheWarmUp() throws {
        // The peer writes how many rounds it answered to a file; FunAudio's side reads it, so
        // in round r it must see exactly r peer rounds before it (ours, peer, ours, peer …).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("interleaved-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "0".write(to: file, atomically: true, encoding: .utf8)
        let script = """
            echo '{"tool": "fake"}'
            n=0
            while read line; do
              [ "$line" = quit ] && exit 0
              n=$((n + 1)); echo $n > '\(file.path)'; echo "{\\"ms\\": $((10 * n)), \\"name\\": \\"x\\"}"
            done
            """
        let peer = try PeerSession(executable: "/bin/sh", arguments: ["-c", script])
        var calls = 0, progress: [Int] = []
        let figures = try Interleaved.run(rounds: 4, peer: peer, ours: {
            calls += 1
            let seen = Double(try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))!
            return ["seen": seen, "ms": 5]
        }, progress: { progress.append($0) })
        peer.close()
        #expect(calls == 5)                                     // a warm-up round and four counted
        #expect(progress == [1, 2, 3, 4])
        #expect(figures.rounds == 4)
        #expect(figures.ours["seen"] == [1, 2, 3, 4])            // round 0's ours saw 0: not counted
        #expect(figures.peer["ms"] == [20, 30, 40, 50])          // the warm-up's 10 is left out
        #expect(figures.peer["name"] == nil)                     // only numbers are figures
        #expect(figures.ratio("ms", over: "ms") == RatioEstimate(ours: [5, 5, 5, 5], peer: [20, 30, 40, 50]))
        #expect(figures.ratio("ms", over: "missing") == nil && figures.median(peer: "missing") == nil)
    }

    @Test func withoutAPeerOnlyOurFiguresAndNoRatios() throws {
        let figures = try Interleaved.run(rounds: 2, peer: nil, ours: { ["ms": 3] })
        #expect(figures.ours["ms"] == [3, 3] && figures.peer.isEmpty)
        #expect(figures.ratio("ms", over: "ms") == nil && figures.median(ours: "ms") == 3)
    }

    /// Decodes a report's JSON into a dictionary.
    static func object(_ report: some BenchmarkReport) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
    }

    static func expectRatio(_ json: [String: Any], _ key: String, rounds: Int) {
        let ratio = json[key] as? [String: Any]
        #expect(ratio != nil, "no ratio object \(key) in \(json.keys.sorted())")
        guard let ratio else { return }
        #expect(Set(ratio.keys) == ["median", "low", "high", "rounds"], "\(key): \(ratio)")
        #expect(ratio["rounds"] as? Int == rounds)
        if let low = ratio["low"] as? Double, let median = ratio["median"] as? Double, let high = ratio["high"] as? Double {
            #expect(low <= median && median <= high, "\(key): \(ratio)")
        }
    }

    static var tinyTrain: TrainBenchmark.Settings {
        var settings = TrainBenchmark.Settings()
        settings.rounds = 2
        settings.repeats = 1
        settings.inferRepeats = 1
        var c = RefSmallConfig()
        (c.vocabulary, c.dimensions, c.heads, c.feedForward, c.layers, c.melBins) = (8, 8, 2, 16, 1, 4)
        (c.referenceChannels, c.decoderLayers, c.tokens, c.referenceFrames, c.batch) = ([4], 1, 3, 5, 2)
        settings.config = c
        return settings
    }

    @Test func trainReportHasEagerAndCompiledRatios() throws {
        let peer = try Self.fakePeer(
            ready: #"{"params": 1234, "torch": "fake", "threads": 2, "loss_first": 1.5, "sgemm_gflops": 100, "compile": "ok"}"#,
            round: #"{"train_step_ms": $n, "infer_ms": 1, "compiled_train_step_ms": 2, "compiled_infer_ms": 0.5, "loss": 0.$n}"#)
        let report = try TrainBenchmark.compare(Self.tinyTrain, peer: peer)
        let json = try Self.object(report)
        for key in ["train_step_ms", "infer_ms", "params", "steps", "gflops", "sgemm_gflops", "loss_first", "loss_last",
                    "rounds", "repeats", "infer_repeats", "load_before", "load_after"] {
            #expect(json[key] != nil, "no \(key)")
        }
        #expect(json["steps"] as? Int == 2)
        let peerObject = try #require(json["peer"] as? [String: Any])
        #expect(peerObject["train_step_ms"] as? Double == 2.5)         // rounds 1 and 2 print 2 and 3
        #expect(peerObject["compiled_infer_ms"] as? Double == 0.5 && peerObject["compile"] as? String == "ok")
        #expect(peerObject["loss_last"] as? Double == 0.3 && peerObject["params"] as? Int == 1234)
        for key in ["train_step_ratio", "infer_ratio", "compiled_train_step_ratio", "compiled_infer_ratio"] {
            Self.expectRatio(json, key, rounds: 2)
        }
        #expect(report.text.contains("torch.compile train step"))
        // On more than one thread (the pool starts at the machine's cores) the step is also
        // timed on one, in the same rounds.
        if let speedup = report.result.threadSpeedup {
            // Within a few ulps: Foundation's JSON parser does not always give back the last bit.
            let written = try #require(json["thread_speedup"] as? Double)
            #expect(speedup > 0 && abs(written - speedup) <= 1e-12 * speedup, "\(written) vs \(speedup)")
            #expect((json["one_thread_train_step_ms"] as? Double ?? 0) > 0)
            #expect(report.text.contains("one thread    train step"))
        }
    }

    @Test func trainReportSaysWhyCompiledFiguresAreMissing() throws {
        let peer = try Self.fakePeer(
            ready: #"{"params": 1, "torch": "fake", "threads": 2, "loss_first": 1, "sgemm_gflops": 1, "compile": "RuntimeError: no compiler"}"#,
            round: #"{"train_step_ms": 4, "infer_ms": 1, "loss": 1}"#)
        let report = try TrainBenchmark.compare(Self.tinyTrain, peer: peer)
        let json = try Self.object(report)
        Self.expectRatio(json, "train_step_ratio", rounds: 2)
        #expect(json["compiled_train_step_ratio"] == nil && json["compiled_infer_ratio"] == nil)
        #expect(report.text.contains("RuntimeError: no compiler"))
    }

    @Test func dspReportKeepsItsKeysAndAddsRatiosForEachPeer() throws {
        var settings = DSPBenchmark.Settings()
        (settings.seconds, settings.iterations, settings.rounds, settings.repeats) = (0.1, 2, 2, 1)
        let figures = ["stft", "mel", "griffinlim"].flatMap { ["\"librosa_\($0)_ms\": 2$n", "\"torch_\($0)_ms\": 1$n"] }
        let peer = try Self.fakePeer(ready: #"{"librosa": "0.0", "torch": "fake", "torchaudio": "fake", "threads": 2}"#,
                                     round: "{\(figures.joined(separator: ", "))}")
        let report = try DSPBenchmark.run(settings, peer: peer)
        let json = try Self.object(report)
        for key in ["stft_ms", "mel_ms", "griffinlim_ms", "signal", "threads", "repeats", "rounds", "load_before", "load_after"] {
            #expect(json[key] != nil, "no \(key)")
        }
        #expect((json["librosa"] as? [String: Any])?["mel_ms"] as? Double == 22.5)   // rounds print 22 and 23
        #expect((json["torch"] as? [String: Any])?["griffinlim_ms"] as? Double == 12.5)
        let speedup = try #require(json["speedup"] as? [String: Any])
        #expect(Set(speedup.keys) == ["stft", "mel", "griffinlim"])
        for peer in ["librosa", "torch"] {
            for figure in ["stft", "mel", "griffinlim"] { Self.expectRatio(json, "\(peer)_\(figure)_ratio", rounds: 2) }
        }
        #expect(report.versions?["torchaudio"] == "fake")
        // The training features, not librosa's defaults.
        #expect(report.signal.contains("80 mels to 8000 Hz, power 1"))
    }
}

extension InterleavedBenchTests {
    @Test func opsReportHasARatioPerOp() throws {
        let peer = try Self.fakePeer(ready: #"{"torch": "fake", "threads": 2}"#,
                                     round: #"{"relu [16,256,256]": $n, "add [16,64,256]+[64,256]": 1}"#)
        let report = try OpsBenchmark.compare(rounds: 3, repeats: 1, filter: "relu", peer: peer)
        let json = try Self.object(report)
        #expect((json["ops"] as? [[String: Any]])?.map { $0["name"] as? String } == ["relu [16,256,256]"])
        #expect((json["torch_forward_backward_ms"] as? [String: Any])?["relu [16,256,256]"] as? Double == 3)
        let ratios = try #require(json["forward_backward_ratio"] as? [String: Any])
        #expect(ratios.keys.sorted() == ["relu [16,256,256]"])      // the peer's extra op is not ours
        Self.expectRatio(ratios, "relu [16,256,256]", rounds: 3)
        #expect(json["load_before"] != nil && json["rounds"] as? Int == 3 && json["torch"] as? String == "fake")
    }
}

extension InterleavedBenchTests {
    @Test func bertReportKeepsRatiosAndAddsTheirIntervals() throws {
        let hidden: [[[Double]]] = [[[1, 2], [3, 4]]]
        let ratio = RatioEstimate(ours: [1, 2, 3], peer: [2, 2, 2])
        let report = BERTBenchmark.Report(
            result: .init(loadMilliseconds: 5, encodeMilliseconds: [2], hidden: hidden),
            peer: .init(loadMilliseconds: 50, encodeMilliseconds: [2], hidden: [[[1, 2], [3, 4.5]]], torch: "fake",
                        transformers: "fake", threads: 2),
            encodeRatios: [ratio], rounds: 3, repeats: 1, loadBefore: 1, loadAfter: 2)
        let json = try Self.object(report)
        #expect(json["ratios"] as? [Double] == [1])
        let intervals = try #require(json["encode_ratio"] as? [[String: Any]])
        Self.expectRatio(["0": intervals[0]], "0", rounds: 3)
        #expect(json["max_abs_difference"] as? [Double] == [0.5] && json["load_after"] as? Double == 2)
        #expect(report.text.contains(ratio.text))
    }
}

@Suite struct ProfileBenchmarkTests {
    /// FunAudio's profile of the tiny model: its rows are the step's ops and phases, largest
    /// first, and their shares add up to the whole step.
    @Test func profileRowsCoverTheStep() throws {
        let report = try ProfileBenchmark.run(steps: 2, withPeer: false, config: InterleavedBenchTests.tinyTrain.config)
        let ops = Set(report.train.map(\.op))
        for op in ["linear", "linear backward", "conv1d backward", "optimizer", "zero grad", "accumulate grad"] {
            #expect(ops.contains(op), "no \(op) in \(ops.sorted())")
        }
        #expect(!report.infer.contains { $0.op.hasSuffix("backward") || $0.op == "optimizer" })
        for rows in [report.train, report.infer] {
            #expect(abs(rows.reduce(0) { $0 + $1.share } - 1) < 1e-9)
            #expect(zip(rows, rows.dropFirst()).allSatisfy { $0.milliseconds >= $1.milliseconds })
        }
        #expect(report.train.first { $0.op == "optimizer" }?.calls == 1)
        #expect(report.text.contains("training step, batch 2") && report.peerTrain == nil)
    }
}
