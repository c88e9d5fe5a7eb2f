import Data
import Foundation
import Text

/// Durations an aligner learned, in the corpus's own terms: a `durations.jsonl`
/// (``DurationsFile``) whose lines give each item's phonemes and their durations in samples
/// of its wav, so a later run reads them like any corpus's (`data.durations: auto`).
public enum LearnedDurations {
    /// The file for `durations` (frames per phoneme, by item id) of `corpus`'s items, in
    /// corpus order; items without learned durations are left out. `hop`: samples per frame
    /// at the corpus sample rate.
    public static func file(_ durations: [String: [Int]], corpus: Corpus, hop: Int) throws -> Data {
        let lines = try corpus.items.compactMap { item -> (id: String, phonemes: [TimedPhoneme])? in
            guard let frames = durations[item.id] else { return nil }
            guard frames.count == item.phonemes.count else {
                throw ModelError("\(item.id): \(frames.count) learned durations for \(item.phonemes.count) phonemes")
            }
            let samplesPerFrame = Double(hop) * Double(item.audioSampleRate) / Double(corpus.sampleRate)
            let samples = FrameDurations.samples(from: frames, samplesPerFrame: samplesPerFrame, sampleCount: item.audioFrames)
            var start = 0
            return (item.id, zip(item.phonemes, samples).map { symbol, duration in
                defer { start += duration }
                return TimedPhoneme(symbol: symbol, start: start, duration: duration)
            })
        }
        return try DurationsFile.format(lines)
    }
}
