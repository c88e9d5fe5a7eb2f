import Foundation
import Text

/// Optional per-phoneme durations of a corpus: `durations.jsonl` next to metadata.csv, one
/// JSON object per line:
///
///     {"id": "LJ001-0001", "phonemes": ["_", "h", "ə", " ", ...], "durations": [286, 320, ...]}
///
/// `phonemes` are the symbols a model reads (" " is the word boundary, "_" a pause, as
/// ``Phonemizer/symbols(_:)`` writes them); `durations` are in samples of the corpus audio,
/// one per phoneme, non-negative, summing to the number of samples of `wavs/id.wav`.
public enum DurationsFile {
    public static let name = "durations.jsonl"

    struct Line: Codable {
        var id: String
        var phonemes: [String]
        var durations: [Int]
    }

    /// The phonemes with their spans per id, and the problems of bad lines.
    public static func parse(_ data: Data, path: String)
        -> (alignments: [String: [TimedPhoneme]], problems: [CorpusProblem])
    {
        var alignments: [String: [TimedPhoneme]] = [:]
        var problems: [CorpusProblem] = []
        let decoder = JSONDecoder()
        for (index, bytes) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            let number = index + 1
            guard let line = try? decoder.decode(Line.self, from: Data(bytes)) else {
                problems.append(CorpusProblem(.badDurations, file: path, line: number,
                    "not a JSON object with id, phonemes and durations; rebuild the file"))
                continue
            }
            guard line.phonemes.count == line.durations.count, line.durations.allSatisfy({ $0 >= 0 })
            else {
                problems.append(CorpusProblem(.badDurations, file: path, line: number,
                    "'\(line.id)' has \(line.phonemes.count) phonemes but \(line.durations.count) "
                    + "durations (or a negative one); give one non-negative duration per phoneme"))
                continue
            }
            var start = 0
            alignments[line.id] = zip(line.phonemes, line.durations).map { symbol, duration in
                defer { start += duration }
                return TimedPhoneme(symbol: symbol, start: start, duration: duration)
            }
        }
        return (alignments, problems)
    }

    /// One line per item, in the given order.
    public static func format(_ items: [(id: String, phonemes: [TimedPhoneme])]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for item in items {
            out += try encoder.encode(Line(id: item.id, phonemes: item.phonemes.map(\.symbol),
                                           durations: item.phonemes.map(\.duration)))
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}
