/// English text to phonemes through libespeak-ng (see ``Espeak``).
///
/// ``symbols(_:)`` gives the sequence a model reads: a pause, then for each clause its
/// words' phonemes separated by word boundaries, then a pause; stress marks removed. It has
/// the same shape as the phonemes espeak-ng reports while speaking (``EspeakSynthesis``), so
/// a model trained on the built-in corpus reads the phonemizer's output at inference. One
/// difference: while speaking, espeak-ng also pauses between some words of a long clause,
/// so the synthesis has a pause `_` where the phonemizer has a word boundary. Measured on
/// the 200 sentences of the default built-in corpus: the phonemes were identical in all, and
/// the whole sequence in 124; the other 76 differ only in such pauses.
public struct Phonemizer: Sendable {
    /// An espeak-ng voice file name; its language decides the pronunciation.
    public var voice: String

    public init(voice: String = "en-us") {
        self.voice = voice
    }

    /// The IPA transcription of each word, with stress marks ("hello world" →
    /// `["həlˈoʊ", "wˈɜːld"]`). espeak-ng may join short words ("of the" → "ʌvðə").
    public func ipaWords(_ text: String) throws -> [String] {
        let words = try clauses(text).joined().map { $0.joined() }
        return Array(words)
    }

    /// The phoneme symbols of `text`: `_ h ə l oʊ ␣ w ɜː l d _` for "hello world" (␣ is the
    /// word boundary " ").
    public func symbols(_ text: String) throws -> [String] {
        var out = [PhonemeSymbols.pause]
        for clause in try clauses(text) {
            for (i, word) in clause.enumerated() {
                if i > 0 { out.append(PhonemeSymbols.wordBoundary) }
                for phoneme in word {
                    let bare = String(phoneme.filter { !PhonemeSymbols.stressMarks.contains($0) })
                    if !bare.isEmpty { out.append(bare) }
                }
            }
            out.append(PhonemeSymbols.pause)
        }
        return out
    }

    private func clauses(_ text: String) throws -> [[[String]]] {
        let clauses = try Espeak.shared.phonemes(text, voice: voice)
        guard !clauses.isEmpty else { throw TextError.nothingToPronounce(text) }
        return clauses
    }
}
