import Foundation
import Models
import Tensor

/// `funaudio bench bert`: loading a pretrained BERT folder and encoding sentences with it,
/// beside Hugging Face transformers (`scripts/peers/bench_bert.py`) on the same folder, the
/// encodings timed in interleaved rounds (each round: every sentence here, then every sentence
/// in the peer).
public enum BERTBenchmark {
    /// Sentences from plain to hard for a WordPiece tokenizer (numbers, accents, hyphens).
    public static let sentences = [
        "Hello world.",
        "The quick brown fox jumps over the lazy dog, doesn't it?",
        "In 1984, Dr. Smith paid $3.50 for a café au lait near Zürich!",
        "Unbelievably, the hyperparameters were mis-specified; re-running took 17 hours.",
        "Printing, in the only sense with which we are at present concerned, differs from most if not from all the arts and crafts represented in the Exhibition.",
    ]

    public struct Result: Codable, Sendable {
        /// Reading the folder: config, weights, vocabulary.
        public var loadMilliseconds: Double
        /// Per sentence, the median over the repeats of tokenize + forward (frozen model).
        public var encodeMilliseconds: [Double]
        /// Per sentence, the last hidden states `[tokens][hidden]` (for the parity check).
        public var hidden: [[[Double]]]

        enum CodingKeys: String, CodingKey {
            case loadMilliseconds = "load_ms", encodeMilliseconds = "encode_ms", hidden
        }
    }

    /// transformers' figures (`scripts/peers/bench_bert.py`).
    public struct PeerResult: Codable, Sendable {
        public var loadMilliseconds: Double
        public var encodeMilliseconds: [Double]
        public var hidden: [[[Double]]]
        public var torch: String, transformers: String
        public var threads: Int

        enum CodingKeys: String, CodingKey {
            case loadMilliseconds = "load_ms", encodeMilliseconds = "encode_ms", hidden, torch, transformers, threads
        }

        /// Everything but the hidden states, which only the parity check reads.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(loadMilliseconds, forKey: .loadMilliseconds)
            try c.encode(encodeMilliseconds, forKey: .encodeMilliseconds)
            try c.encode(torch, forKey: .torch)
            try c.encode(transformers, forKey: .transformers)
            try c.encode(threads, forKey: .threads)
        }
    }

    /// Both sides' times per sentence, their ratios and the largest difference of the hidden states.
    public struct Report: BenchmarkReport {
        public var result: Result
        public var peer: PeerResult?
        /// Per sentence, FunAudio's encode time over transformers', per round.
        public var encodeRatios: [RatioEstimate]?
        public var rounds: Int, repeats: Int
        public var loadBefore: Double?, loadAfter: Double?

        /// Largest |FunAudio − transformers| over sentence `i`'s hidden states (NaN wins).
        func largestDifference(_ i: Int) -> Double? {
            guard let reference = peer?.hidden[i].joined() else { return nil }
            return zip(result.hidden[i].joined(), reference).reduce(0.0) { worst, pair in
                let d = abs(pair.0 - pair.1)
                return d > worst || d.isNaN ? d : worst
            }
        }

        enum CodingKeys: String, CodingKey {
            case loadMilliseconds = "load_ms", encodeMilliseconds = "encode_ms", peer, ratios, encodeRatio = "encode_ratio"
            case maxAbsDifference = "max_abs_difference", rounds, repeats, loadBefore = "load_before", loadAfter = "load_after"
        }

        /// Times, ratios and differences; the hidden states themselves are left out. `ratios`
        /// are the medians of `encode_ratio`, one per sentence.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(result.loadMilliseconds, forKey: .loadMilliseconds)
            try c.encode(result.encodeMilliseconds, forKey: .encodeMilliseconds)
            try c.encode(rounds, forKey: .rounds)
            try c.encode(repeats, forKey: .repeats)
            if let peer, let encodeRatios {
                try c.encode(peer, forKey: .peer)
                try c.encode(encodeRatios.map(\.median), forKey: .ratios)
                try c.encode(encodeRatios, forKey: .encodeRatio)
                try c.encode(result.hidden.indices.compactMap(largestDifference), forKey: .maxAbsDifference)
            }
            try c.encodeIfPresent(loadBefore, forKey: .loadBefore)
            try c.encodeIfPresent(loadAfter, forKey: .loadAfter)
        }

        public var text: String {
            var lines = ["load          FunAudio \(fixed(result.loadMilliseconds)) ms"
                         + (peer.map { ", transformers \(fixed($0.loadMilliseconds)) ms" } ?? "")]
            for (i, hidden) in result.hidden.enumerated() {
                var line = "sentence \(i + 1)    \(hidden.count) tokens: FunAudio \(fixed(result.encodeMilliseconds[i], 2)) ms"
                if let theirs = peer?.encodeMilliseconds[i], let ratio = encodeRatios?[i] {
                    line += ", transformers \(fixed(theirs, 2)) ms, ratio \(ratio.text)"
                }
                if let difference = largestDifference(i) { line += ", max |Δ| \(String(format: "%.2e", difference))" }
                lines.append(line)
            }
            if let peer { lines.append("transformers \(peer.transformers), torch \(peer.torch), \(peer.threads) threads") }
            lines.append("\(rounds) interleaved rounds after one warm-up, medians of \(repeats) encodings per sentence and round; "
                         + "load average \(loadText(loadBefore, loadAfter))")
            return lines.joined(separator: "\n")
        }
    }

    /// What bench_bert.py measured once, before the rounds.
    struct PeerReady: Decodable {
        var load_ms: Double
        var hidden: [[[Double]]]
        var torch: String, transformers: String
        var threads: Int
    }

    /// Loads the folder, then times the encodings in interleaved rounds with transformers on
    /// the same folder and sentences unless `withPeer` is false.
    public static func compare(folder: URL, sentences: [String] = sentences, rounds: Int, repeats: Int, withPeer: Bool,
                               progress: (Int) -> Void = { _ in }) throws -> Report {
        let peer = try withPeer ? PeerSession(script: "bench_bert.py", arguments: [
            "--model", folder.path, "--repeats", String(repeats), "--threads", "\(Parallel.threadCount)",
        ] + sentences) : nil
        return try compare(folder: folder, sentences: sentences, rounds: rounds, repeats: repeats, peer: peer,
                           progress: progress)
    }

    /// The rounds against any peer that speaks the protocol: a ready line like ``PeerReady``,
    /// then `encode_ms_<i>` for sentence `i` in each round.
    static func compare(folder: URL, sentences: [String], rounds: Int, repeats: Int, peer: PeerSession?,
                        progress: (Int) -> Void = { _ in }) throws -> Report {
        let loadBefore = Measure.loadAverage
        var loaded: PretrainedBERT?
        let load = try milliseconds { loaded = try PretrainedBERT(folder: folder) }
        let bert = loaded!
        let hidden: [[[Double]]] = try sentences.map { sentence in
            let states = try bert.encode(sentence).hidden
            let width = states.shape[1]
            return stride(from: 0, to: states.scalars.count, by: width).map {
                states.scalars[$0..<($0 + width)].map(Double.init)
            }
        }
        let figures = try Interleaved.run(rounds: rounds, peer: peer, ours: {
            var round: [String: Double] = [:]
            for (i, sentence) in sentences.enumerated() {
                round["encode_ms_\(i)"] = try Interleaved.medianMs(repeats) { _ = try bert.encode(sentence) }
            }
            return round
        }, progress: progress)
        peer?.close()
        let result = Result(loadMilliseconds: load,
                            encodeMilliseconds: sentences.indices.map { figures.median(ours: "encode_ms_\($0)") },
                            hidden: hidden)
        var peerResult: PeerResult?, ratios: [RatioEstimate]?
        if let peer {
            let ready = try peer.decodeReady(PeerReady.self)
            let keys = sentences.indices.map { "encode_ms_\($0)" }
            let theirs = keys.compactMap { figures.median(peer: $0) }
            guard theirs.count == keys.count, ready.hidden.count == sentences.count else {
                throw Peer.Failure(description: "bench_bert.py gave no encode time or hidden states for some sentence")
            }
            peerResult = PeerResult(loadMilliseconds: ready.load_ms, encodeMilliseconds: theirs, hidden: ready.hidden,
                                    torch: ready.torch, transformers: ready.transformers, threads: ready.threads)
            ratios = keys.compactMap { figures.ratio($0, over: $0) }
        }
        return Report(result: result, peer: peerResult, encodeRatios: ratios, rounds: rounds, repeats: repeats,
                      loadBefore: loadBefore, loadAfter: Measure.loadAverage)
    }

    private static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
}
