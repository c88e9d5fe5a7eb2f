import Foundation
@testable import Models

/// A tiny, fully known "language" for tests: each symbol is a bump at its own mel band
/// lasting its own number of frames; each speaker shifts every bump by a few bands and
/// changes the loudness, so a model must read the reference to get the voice right.
enum SyntheticSpeech {
    static let symbols = ["<pad>", "a", "e", "i", "o", "u", "s", "t"]

    static func mel(_ tokens: [Int], speaker: Int, bands: Int) -> (LogMel, [Int]) {
        var values: [Float] = [], durations: [Int] = []
        for token in tokens {
            let frames = 2 + token % 3
            durations.append(frames)
            let centre = Float((token * 2 + speaker * 3) % bands)
            for f in 0..<frames {
                for b in 0..<bands {
                    let d = Float(b) - centre
                    values.append(-6 + 5 * Foundation.exp(-d * d / 4) + Float(speaker) * 0.5 + 0.2 * Float(f))
                }
            }
        }
        return (LogMel(frames: values.count / bands, bands: bands, values: values), durations)
    }

    /// `count` utterances of 3–7 symbols for `speakers` speakers, each with a reference
    /// that is another sentence of the same speaker.
    static func utterances(_ count: Int, speakers: Range<Int> = 0..<2, bands: Int = 16, seed: UInt64 = 7,
                           wordFeatureDim: Int? = nil) -> [Utterance] {
        var rng = TestGenerator(seed)
        return (0..<count).map { i in
            let speaker = speakers.lowerBound + i % speakers.count
            let tokens = (0..<(3 + Int(rng.next() % 5))).map { _ in 1 + Int(rng.next() % UInt64(symbols.count - 1)) }
            let (mel, durations) = self.mel(tokens, speaker: speaker, bands: bands)
            let (reference, _) = self.mel([1, 3, 5, 7, 2], speaker: speaker, bands: bands)
            let words = wordFeatureDim.map { d in (0..<(tokens.count * d)).map { Float($0 % 5) / 5 } }
            var u = Utterance(id: "u\(i)", speaker: "s\(speaker)", tokens: tokens, durations: durations,
                              mel: mel, reference: reference, wordFeatures: words)
            // The speaker's voice at 100 + 20·speaker Hz in the frames of odd tokens, unvoiced in the others.
            u.f0 = zip(tokens, durations).flatMap { token, frames in
                [Float](repeating: token % 2 == 1 ? Float(100 + 20 * speaker) : 0, count: frames)
            }
            return u
        }
    }
}

struct TestGenerator: RandomNumberGenerator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Collects what the trainer reports.
final class Recorder: TrainingObserver {
    var losses: [Double] = []
    var validations: [Int] = []
    var checkpoints: [(step: Int, bytes: Data)] = []
    var stopAfter: Int?
    var shouldStop: Bool { stopAfter.map { losses.count >= $0 } ?? false }
    func trainerDidStep(_ report: StepReport) { losses.append(report.losses["loss"]!) }
    func trainerDidValidate(step: Int, metrics: [String: Double]) { validations.append(step) }
    func trainerDidCheckpoint(step: Int, bytes: Data) { checkpoints.append((step, bytes)) }
}
