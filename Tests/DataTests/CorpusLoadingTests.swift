import Foundation
import Testing
@testable import Data

@Test func loadsAnLJSpeechFolderWithPhonemes() throws {
    let corpus = try TemporaryCorpus()
    defer { corpus.remove() }
    try corpus.metadata("a|Hello there.|hello there.|s1\nb|Good morning, 2 cats.||s2\n")
    try corpus.speech("a", "hello there.")
    try corpus.speech("b", "good morning, two cats.")
    let loaded = try Corpus.load(corpus.root)
    #expect(loaded.items.map(\.id) == ["a", "b"])
    #expect(loaded.items[1].normalizedText == "good morning, two cats.")
    #expect(loaded.items[0].phonemes == ["_", "h", "ə", "l", "oʊ", " ", "ð", "ɛɹ", "_"])
    #expect(loaded.speakers == ["s1", "s2"])
    #expect(loaded.skipped.isEmpty && loaded.notes.isEmpty)
    #expect(loaded.summary.hasSuffix(": 2 items, 2 speakers"))
    #expect(try loaded.waveform(of: loaded.items[0]).sampleRate == 22050)
}

/// One corpus with every kind of bad item and two good ones.
private func badCorpus() throws -> TemporaryCorpus {
    let corpus = try TemporaryCorpus()
    var csv = Data("good|A fine sentence.\n".utf8)                  // 1
    csv += Data("missing|This wav does not exist.\n".utf8)          // 2
    csv += Data("garbage|The wav is not audio.\n".utf8)             // 3
    csv += Data("silent|The wav has no samples.\n".utf8)            // 4
    csv += Data("blank||\n".utf8)                                   // 5
    csv += Data("latin|caf".utf8) + Data([0xE9, 0x0A])              // 6
    csv += Data("no separators here\n".utf8)                        // 7
    csv += Data("symbols|?! ...\n".utf8)                            // 8
    csv += Data("slow|Recorded at sixteen kilohertz.\n".utf8)       // 9
    try corpus.metadata(csv)
    try corpus.speech("good", "a fine sentence.")
    try Data("this is not a wav file".utf8).write(to: corpus.wav("garbage"))
    try emptyWAV().write(to: corpus.wav("silent"))
    for id in ["blank", "latin", "symbols"] { try corpus.speech(id, "placeholder") }
    try corpus.speech("slow", "recorded at sixteen kilohertz.", sampleRate: 16000)
    return corpus
}

@Test func firstBadItemIsAnErrorNamingFileLineAndRemedy() throws {
    let corpus = try badCorpus()
    defer { corpus.remove() }
    let error = #expect(throws: CorpusError.self) { try Corpus.load(corpus.root) }
    let metadata = corpus.root.appendingPathComponent("metadata.csv").path
    #expect(error?.problem?.kind == .emptyTranscript)
    #expect(error?.description.hasPrefix("\(metadata):5: empty transcript: 'blank' has no text") == true)
    // Both remedies that exist: the flag of `corpus check` and the key of an experiment file.
    #expect(error?.description.contains("funaudio corpus check --skip-bad") == true)
    #expect(error?.description.contains("data.skip_bad") == true)
}

@Test func skipBadSkipsEachKindAndCountsThemInOneLine() throws {
    let corpus = try badCorpus()
    defer { corpus.remove() }
    let loaded = try Corpus.load(corpus.root, skipBad: true)
    #expect(loaded.items.map(\.id) == ["good", "slow"])
    #expect(Set(loaded.skipped.map(\.kind)) == [.emptyTranscript, .notUTF8, .malformedLine, .missingAudio,
                                                 .unreadableAudio, .emptyAudio, .unpronounceable])
    let byKind = Dictionary(grouping: loaded.skipped, by: \.kind)
    #expect(byKind[.missingAudio]?.first?.file == corpus.wav("missing").path)
    #expect(byKind[.missingAudio]?.first?.message.contains("metadata.csv:2") == true)
    #expect(byKind[.unreadableAudio]?.first?.file == corpus.wav("garbage").path)
    #expect(byKind[.emptyAudio]?.first?.file == corpus.wav("silent").path)
    #expect(byKind[.notUTF8]?.first?.line == 6)
    #expect(byKind[.malformedLine]?.first?.line == 7)
    #expect(byKind[.unpronounceable]?.first?.line == 8)
    #expect(!loaded.summary.contains("\n"))
    #expect(loaded.summary.contains("2 items, 1 speaker (\(corpus.root.lastPathComponent)); skipped 7 bad (1 malformed metadata line, 1 transcript not UTF-8, "
                                    + "1 empty transcript, 1 missing audio, 1 unreadable audio, 1 empty audio, "
                                    + "1 nothing to pronounce)"), "\(loaded.summary)")
    // The 16 kHz wav is kept, resampled on reading, and said once.
    #expect(loaded.notes.count == 1)
    #expect(loaded.notes[0].contains("1 at 16000 Hz of 2 wavs will be resampled to 22050 Hz"))
    let slow = try loaded.waveform(of: loaded.items[1])
    #expect(slow.sampleRate == 22050)
    #expect(abs(slow.samples.count - loaded.items[1].audioFrames * 22050 / 16000) < 64)
}

@Test func durationsThatDoNotMatchTheAudioAreBad() throws {
    let corpus = try TemporaryCorpus()
    defer { corpus.remove() }
    try corpus.metadata("a|Hi.\n")
    try corpus.speech("a", "hi.")
    try Data(#"{"id":"a","phonemes":["_","h","aɪ","_"],"durations":[1,2,3,4]}"#.utf8)
        .write(to: corpus.root.appendingPathComponent("durations.jsonl"))
    let error = #expect(throws: CorpusError.self) { try Corpus.load(corpus.root) }
    #expect(error?.problem?.kind == .badDurations)
    #expect(error?.description.contains("sum to 10 samples but a.wav has") == true)
}

@Test func aFolderWithoutMetadataIsAClearError() {
    let error = #expect(throws: CorpusError.self) {
        try Corpus.load(URL(fileURLWithPath: "/nonexistent/corpus"))
    }
    #expect(error?.description.contains("/nonexistent/corpus/metadata.csv: cannot read it") == true)
}
