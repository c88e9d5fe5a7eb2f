/// A phoneme symbol with the span of samples it occupies.
public struct TimedPhoneme: Sendable, Equatable, Codable {
    public var symbol: String
    /// First sample of the phoneme.
    public var start: Int
    /// Number of samples; 0 for a word boundary.
    public var duration: Int

    public init(symbol: String, start: Int, duration: Int) {
        self.symbol = symbol
        self.start = start
        self.duration = duration
    }
}

/// Turns libespeak-ng's synthesis events into phonemes with durations.
///
/// espeak-ng reports the sample at which each phoneme starts (`espeakEVENT_PHONEME`, an IPA
/// name, empty for a pause) and at which each word starts (`espeakEVENT_WORD`). From them:
/// - the sequence starts with a pause ``PhonemeSymbols/pause`` covering the samples before
///   the first phoneme (possibly none), so it has the shape of ``Phonemizer/symbols(_:)``;
/// - each phoneme lasts until the next one starts; the last lasts until the end of the
///   audio, so the durations sum to the number of samples;
/// - consecutive pauses merge into one ``PhonemeSymbols/pause``;
/// - a zero-length ``PhonemeSymbols/wordBoundary`` goes between two words that no pause
///   separates.
public enum PhonemeTiming {
    /// One event of the synthesis callback.
    public enum Event: Sendable, Equatable {
        case phoneme(String, sample: Int)
        case word(sample: Int)
    }

    /// The phonemes of `events` with durations summing to `sampleCount`.
    public static func align(_ events: [Event], sampleCount: Int) -> [TimedPhoneme] {
        var tokens = [TimedPhoneme(symbol: PhonemeSymbols.pause, start: 0, duration: 0)]
        var wordStarted = false
        for event in events {
            switch event {
            case .word:
                wordStarted = true
            case .phoneme(let name, let sample):
                let start = min(max(sample, tokens.last!.start), sampleCount)
                let symbol = name.isEmpty ? PhonemeSymbols.pause : name
                let previous = tokens.last!.symbol
                if symbol == PhonemeSymbols.pause && previous == PhonemeSymbols.pause { continue }
                if wordStarted && symbol != PhonemeSymbols.pause && previous != PhonemeSymbols.pause {
                    tokens.append(TimedPhoneme(symbol: PhonemeSymbols.wordBoundary, start: start, duration: 0))
                }
                if symbol != PhonemeSymbols.pause { wordStarted = false }
                tokens.append(TimedPhoneme(symbol: symbol, start: start, duration: 0))
            }
        }
        // Each token lasts until the next one that takes time starts.
        var end = sampleCount
        for i in tokens.indices.reversed() where tokens[i].symbol != PhonemeSymbols.wordBoundary {
            tokens[i].duration = end - tokens[i].start
            end = tokens[i].start
        }
        return tokens
    }
}
