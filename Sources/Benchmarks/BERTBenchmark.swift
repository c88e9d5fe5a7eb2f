import Foundation
import Models
import Tensor

/// `funaudio bench bert`: loading a pretrained BERT folder and encoding sentences with it,
/// beside Hugging Face transformers (`scripts/peers/bench_bert.py`) on the same folder.
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

        /// Largest |FunAudio − transformers| over sentence `i`'s hidden states (NaN wins).
        func largestDifference(_ i: Int) -> Double? {
            guard let reference = peer?.hidden[i].joined() else { return nil }
            return zip(result.hidden[i].joined(), reference).reduce(0.0) { worst, pair in
                let d = abs(pair.0 - pair.1)
                return d > worst || d.isNaN ? d : worst
            }
        }

        enum CodingKeys: String, CodingKey { case loadMilliseconds = "load_ms", encodeMilliseconds = "encode_ms", peer, ratios, maxAbsDifference = "max_abs_difference" }

        /// Times, ratios and differences; the hidden states themselves are left out.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(result.loadMilliseconds, forKey: .loadMilliseconds)
            try c.encode(result.encodeMilliseconds, forKey: .encodeMilliseconds)
            if let peer {
                try c.encode(peer, forKey: .peer)
                try c.encode(zip(result.encodeMilliseconds, peer.encodeMilliseconds).map(/), forKey: .ratios)
                try c.encode(result.hidden.indices.compactMap(largestDifference), forKey: .maxAbsDifference)
            }
        }

        public var text: String {
            var lines = ["load          FunAudio \(fixed(result.loadMilliseconds)) ms"
                         + (peer.map { ", transformers \(fixed($0.loadMilliseconds)) ms" } ?? "")]
            for (i, hidden) in result.hidden.enumerated() {
                var line = "sentence \(i + 1)    \(hidden.count) tokens: FunAudio \(fixed(result.encodeMilliseconds[i], 2)) ms"
                if let theirs = peer?.encodeMilliseconds[i] {
                    line += ", transformers \(fixed(theirs, 2)) ms, ratio \(fixed(result.encodeMilliseconds[i] / theirs, 2))"
                }
                if let difference = largestDifference(i) { line += ", max |Δ| \(String(format: "%.2e", difference))" }
                lines.append(line)
            }
            if let peer { lines.append("transformers \(peer.transformers), torch \(peer.torch), \(peer.threads) threads") }
            return lines.joined(separator: "\n")
        }
    }

    /// Loads the folder and encodes each sentence `repeats` times (after one warm-up), then
    /// runs transformers on the same folder and sentences unless `withPeer` is false.
    public static func compare(folder: URL, sentences: [String] = sentences, repeats: Int, withPeer: Bool) throws -> Report {
        var bert: PretrainedBERT?
        let load = try milliseconds { bert = try PretrainedBERT(folder: folder) }
        var encodeTimes: [Double] = [], hidden: [[[Double]]] = []
        for sentence in sentences {
            var states = try bert!.encode(sentence).hidden           // warm-up
            var times: [Double] = []
            for _ in 0..<repeats {
                times.append(try milliseconds { states = try bert!.encode(sentence).hidden })
            }
            encodeTimes.append(Measure.median(times))
            let width = states.shape[1]
            hidden.append(stride(from: 0, to: states.scalars.count, by: width).map {
                states.scalars[$0..<($0 + width)].map(Double.init)
            })
        }
        let result = Result(loadMilliseconds: load, encodeMilliseconds: encodeTimes, hidden: hidden)
        let peer = withPeer ? try Peer.decode(PeerResult.self, from: "bench_bert.py",
                                              arguments: ["--model", folder.path, "--repeats", String(repeats)] + sentences) : nil
        return Report(result: result, peer: peer)
    }

    private static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
}
