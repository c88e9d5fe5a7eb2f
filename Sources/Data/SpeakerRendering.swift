import Audio
import Foundation
import Text

extension BuiltInCorpus {
    /// A sentence as a built-in speaker says it: the target a synthesised sentence in that
    /// speaker's voice is measured against (issue 17). Any sentence can be rendered, so every
    /// sentence synthesised with a built-in speaker's reference has a ground truth.
    public struct Rendering: Sendable {
        /// At `sampleRate` (resampled from espeak-ng's rate when asked for another).
        public let waveform: Waveform
        /// espeak-ng's phonemes, as the corpus records them.
        public let symbols: [String]
        /// Each phoneme's length in samples of espeak-ng's output (rate ``espeakRate``).
        public let sampleDurations: [Int]
        public let espeakRate: Int
    }

    /// The speaker of the table whose corpus name (``Speaker/name``) is `name`, if any.
    public static func speaker(named name: String) -> Speaker? {
        speakerTable.first { $0.name == name }
    }

    /// `sentence` normalised and spoken as the corpus builder speaks it for `speaker`, at
    /// `sampleRate`.
    public static func render(_ sentence: String, speaker: Speaker, sampleRate: Int) throws -> Rendering {
        let speech = try Espeak.shared.synthesize(TextNormalizer().normalize(sentence), voice: speaker.voice,
                                                  rate: speaker.rate, pitch: speaker.pitch)
        let waveform = try Waveform(samples: speech.samples, sampleRate: speech.sampleRate).resampled(to: sampleRate)
        return Rendering(waveform: waveform, symbols: speech.phonemes.map(\.symbol),
                         sampleDurations: speech.phonemes.map(\.duration), espeakRate: speech.sampleRate)
    }
}
