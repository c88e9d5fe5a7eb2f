import Foundation
import Tensor

/// Timings of a pretrained BERT for `funaudio bench bert` (meaningful in release builds).
/// It lives here, not in the Benchmarks target, because Benchmarks does not depend on Models.
public enum BERTBenchmark {
    public struct Result {
        /// Reading the folder: config, weights, vocabulary.
        public var loadMilliseconds: Double
        /// Per sentence, the median over the repeats of tokenize + forward (frozen model).
        public var encodeMilliseconds: [Double]
        /// Per sentence, the last hidden states `[tokens, hidden]` (for the parity check).
        public var hidden: [Tensor]
    }

    public static func run(folder: URL, sentences: [String], repeats: Int) throws -> Result {
        var bert: PretrainedBERT?
        let load = try milliseconds { bert = try PretrainedBERT(folder: folder) }
        var encodeTimes: [Double] = [], hidden: [Tensor] = []
        for sentence in sentences {
            var states = try bert!.encode(sentence).hidden           // warm-up
            var times: [Double] = []
            for _ in 0..<repeats {
                times.append(try milliseconds { states = try bert!.encode(sentence).hidden })
            }
            encodeTimes.append(times.sorted()[times.count / 2])
            hidden.append(states)
        }
        return Result(loadMilliseconds: load, encodeMilliseconds: encodeTimes, hidden: hidden)
    }

    private static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }
}
