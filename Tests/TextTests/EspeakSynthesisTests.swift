import Testing
import Text

@Test func synthesisGivesPhonemesWhoseDurationsSumToTheAudio() throws {
    let speech = try Espeak.shared.synthesize("Hello world, of the people.", voice: "en-us+f3")
    #expect(speech.sampleRate == 22050)
    #expect(speech.samples.count > speech.sampleRate / 2)
    #expect(speech.phonemes.map(\.duration).reduce(0, +) == speech.samples.count)
    #expect(speech.phonemes.first?.symbol == "_")
    #expect(speech.phonemes.last?.symbol == "_")
    // Spans are contiguous.
    var next = 0
    for phoneme in speech.phonemes {
        #expect(phoneme.start == next)
        next += phoneme.duration
    }
    #expect(speech.samples.contains { abs($0) > 0.05 })
}

@Test func synthesisSpeaksThePhonemizersSymbols() throws {
    let text = "The chair is near the window."
    let spoken = try Espeak.shared.synthesize(text, voice: "en-us").phonemes.map(\.symbol)
    #expect(spoken == (try Phonemizer(voice: "en-us").symbols(text)))
}

/// espeak-ng keeps synthesis state (its pitch "flutter" phase) from one utterance to the
/// next and cannot be re-initialised, so a repeated sentence in the same process differs by
/// a few samples; its phonemes do not. (A fresh process repeats its output exactly.)
@Test func repeatedSynthesisKeepsThePhonemes() throws {
    let a = try Espeak.shared.synthesize("Deterministic speech.", voice: "en-us+f3")
    let b = try Espeak.shared.synthesize("Deterministic speech.", voice: "en-us+f3")
    let c = try Espeak.shared.synthesize("Deterministic speech.", voice: "en+m2", pitch: 30)
    #expect(a.phonemes.map(\.symbol) == b.phonemes.map(\.symbol))
    #expect(abs(a.samples.count - b.samples.count) < a.sampleRate / 100)
    let sameAudio = a.samples == c.samples
    #expect(!sameAudio)
}

@Test func alignmentMergesPausesAndMarksWordBoundaries() {
    let events: [PhonemeTiming.Event] = [
        .word(sample: 0), .phoneme("h", sample: 10), .phoneme("aɪ", sample: 30),
        .word(sample: 55), .phoneme("j", sample: 60), .phoneme("uː", sample: 70),
        .phoneme("", sample: 90), .phoneme("", sample: 95), .word(sample: 100), .phoneme("oʊ", sample: 100),
    ]
    let phonemes = PhonemeTiming.align(events, sampleCount: 120)
    #expect(phonemes == [
        TimedPhoneme(symbol: "_", start: 0, duration: 10),
        TimedPhoneme(symbol: "h", start: 10, duration: 20),
        TimedPhoneme(symbol: "aɪ", start: 30, duration: 30),
        TimedPhoneme(symbol: " ", start: 60, duration: 0),
        TimedPhoneme(symbol: "j", start: 60, duration: 10),
        TimedPhoneme(symbol: "uː", start: 70, duration: 20),
        TimedPhoneme(symbol: "_", start: 90, duration: 10),
        TimedPhoneme(symbol: "oʊ", start: 100, duration: 20),
    ])
}
