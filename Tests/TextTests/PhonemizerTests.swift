import Foundation
import Testing
import Text

@Test func wordsAreTranscribedInIPAWithStress() throws {
    let phonemizer = Phonemizer(voice: "en-us")
    #expect(try phonemizer.ipaWords("Hello world") == ["həlˈoʊ", "wˈɜːld"])
}

@Test func symbolsHavePausesAndWordBoundariesButNoStress() throws {
    let symbols = try Phonemizer(voice: "en-us").symbols("Hello world. Chair")
    #expect(symbols == ["_", "h", "ə", "l", "oʊ", " ", "w", "ɜː", "l", "d", "_", "tʃ", "ɛɹ", "_"])
}

@Test func textWithoutPronounceableSymbolsIsAnError() {
    #expect(throws: TextError.nothingToPronounce("?! ...")) {
        try Phonemizer().symbols("?! ...")
    }
}

@Test func unknownVoiceIsAnError() {
    #expect(throws: TextError.unknownVoice("xx-nonexistent")) {
        try Phonemizer(voice: "xx-nonexistent").symbols("hello")
    }
}

@Test func concurrentCallsAreSerialisedAndAgree() async throws {
    let expected = try Phonemizer().symbols("The quick brown fox jumps over the lazy dog.")
    let results = try await withThrowingTaskGroup(of: [String].self) { group in
        for i in 0..<8 {
            group.addTask {
                i.isMultiple(of: 2)
                    ? try Phonemizer().symbols("The quick brown fox jumps over the lazy dog.")
                    : try Espeak.shared.synthesize("The quick brown fox", voice: "en+m2").phonemes.map(\.symbol)
            }
        }
        return try await group.reduce(into: []) { $0.append($1) }
    }
    #expect(results.filter { $0 == expected }.count == 4)
}
