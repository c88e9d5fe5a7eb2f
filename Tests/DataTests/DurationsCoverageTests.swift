import Audio
import Foundation
import Testing
import Text
@testable import Data

/// Which phoneme durations a corpus gives training, said before anything is computed.
@Suite struct DurationsCoverageTests {
    /// Speaks `text` again as `id`'s wav and writes espeak-ng's phoneme durations of it as
    /// durations.jsonl (espeak-ng does not say a sentence twice to the sample, so both come
    /// from one synthesis).
    static func writeDurations(_ corpus: TemporaryCorpus, _ id: String, _ text: String) throws {
        let speech = try Espeak.shared.synthesize(text, voice: "en-us")
        try AudioFile.write(Waveform(samples: speech.samples, sampleRate: speech.sampleRate), to: corpus.wav(id), format: .wav16)
        try DurationsFile.format([(id: id, phonemes: speech.phonemes)])
            .write(to: corpus.root.appendingPathComponent(DurationsFile.name))
    }

    @Test func aCorpusWithoutDurationsSaysNoneAndWhereToRead() throws {
        let corpus = try ThreeColumnCorpusTests.corpus()
        defer { corpus.remove() }
        let loaded = try Corpus.load(corpus.root)
        #expect(loaded.durations == "none: this corpus has no phoneme durations; training learns them with its aligner "
            + "(`data.durations: auto` or `learned`) — see docs/corpora.md")
    }

    @Test func aDurationsFileSaysHowManyUtterancesItCovers() throws {
        let corpus = try ThreeColumnCorpusTests.corpus()
        defer { corpus.remove() }
        try Self.writeDurations(corpus, "a", "hello there.")
        let loaded = try Corpus.load(corpus.root)
        #expect(loaded.durations == "durations.jsonl, covering 1 of 2 utterances")
    }

    @Test func trainingRefusesACorpusWithoutDurationsBeforeReadingItsAudio() throws {
        let corpus = try ThreeColumnCorpusTests.corpus()
        defer { corpus.remove() }
        try FileManager.default.removeItem(at: corpus.wav("b"))  // not reached: the durations come first
        let error = #expect(throws: CorpusError.self) { try Corpus.load(corpus.root, requireDurations: true) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix(corpus.root.appendingPathComponent("durations.jsonl").path + ": no such file"), "\(message)")
        #expect(message.contains("docs/corpora.md"), "\(message)")
    }

    @Test func trainingRefusesAnUtteranceTheDurationsLeaveOutUnlessBadItemsAreSkipped() throws {
        let corpus = try ThreeColumnCorpusTests.corpus()
        defer { corpus.remove() }
        try Self.writeDurations(corpus, "a", "hello there.")
        let error = #expect(throws: CorpusError.self) { try Corpus.load(corpus.root, requireDurations: true) }
        #expect(error?.problem?.kind == .missingDurations)
        #expect(error?.description.contains("'b'") == true, "\(error?.description ?? "")")
        let skipping = try Corpus.load(corpus.root, skipBad: true, requireDurations: true)
        #expect(skipping.items.map(\.id) == ["a"])
        #expect(skipping.skipped.map(\.kind) == [.missingDurations])
    }
}
