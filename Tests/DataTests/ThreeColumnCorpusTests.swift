import Foundation
import Testing
@testable import Data

/// LJSpeech as users have it: `id|text|normalized text`, one speaker, no durations.
@Suite struct ThreeColumnCorpusTests {
    /// Two utterances in three columns, spoken by espeak-ng, without durations.jsonl.
    static func corpus() throws -> TemporaryCorpus {
        let corpus = try TemporaryCorpus()
        try corpus.metadata("a|Hello there.|hello there.\nb|Good morning.|good morning.\n")
        try corpus.speech("a", "hello there.")
        try corpus.speech("b", "good morning.")
        return corpus
    }

    @Test func loadsAsOneSpeakerNamedAfterTheFolder() throws {
        let corpus = try Self.corpus()
        defer { corpus.remove() }
        let loaded = try Corpus.load(corpus.root)
        let name = corpus.root.lastPathComponent
        #expect(loaded.speakers == [name])
        #expect(loaded.items.allSatisfy { $0.speaker == name })
        #expect(loaded.summary.hasSuffix(": 2 items, 1 speaker (\(name))"), "\(loaded.summary)")
    }

    @Test func holdingOutTheOnlySpeakerSaysWhichKeyToSet() throws {
        let corpus = try Self.corpus()
        defer { corpus.remove() }
        let loaded = try Corpus.load(corpus.root)
        try loaded.checkHeldOutSpeakers(0)
        let error = #expect(throws: CorpusError.self) { try loaded.checkHeldOutSpeakers(1) }
        let message = error?.description ?? ""
        #expect(message.contains("data.held_out_speakers is 1"), "\(message)")
        #expect(message.contains("1 speaker (\(corpus.root.lastPathComponent))"), "\(message)")
        #expect(message.contains("set `data.held_out_speakers: 0`"), "\(message)")
    }

    @Test func speakersOfAFourthColumnStayAndLinesWithoutOneShareTheFolderName() throws {
        let corpus = try TemporaryCorpus()
        defer { corpus.remove() }
        try corpus.metadata("a|Hello there.|hello there.|s1\nb|Good morning.|good morning.|\n")
        try corpus.speech("a", "hello there.")
        try corpus.speech("b", "good morning.")
        let loaded = try Corpus.load(corpus.root)
        #expect(loaded.speakers == ["s1", corpus.root.lastPathComponent])
        let error = #expect(throws: CorpusError.self) { try loaded.checkHeldOutSpeakers(2) }
        #expect(error?.description.contains("set `data.held_out_speakers: 1`") == true, "\(error?.description ?? "")")
    }
}
