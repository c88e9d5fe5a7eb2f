import Foundation
import Testing
import Text

@Test func specialsComeFirstAndUnknownSymbolsMapToUnk() {
    let vocabulary = SymbolVocabulary(symbols: ["a", "b", "a", "<pad>"])
    #expect(vocabulary.symbols == ["<pad>", "<unk>", " ", "a", "b"])
    #expect(vocabulary.encode(["b", " ", "z"]) == [4, SymbolVocabulary.wordBoundaryID, SymbolVocabulary.unknownID])
    #expect(vocabulary.decode([3, 0, 99]) == ["a", "<pad>", "<unk>"])
}

@Test func collectedVocabularyDoesNotDependOnOrder() {
    let a = SymbolVocabulary(collecting: [["ə", "b"], ["_", "oʊ"]])
    let b = SymbolVocabulary(collecting: [["_", "oʊ"], ["b", "ə"]])
    #expect(a == b)
}

@Test func vocabularyRoundTripsThroughAFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID()).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    let vocabulary = SymbolVocabulary(symbols: ["_", "tʃ", "ɛɹ"])
    try vocabulary.write(to: url)
    #expect(try SymbolVocabulary(contentsOf: url) == vocabulary)
}

@Test func malformedVocabularyFileNamesTheLine() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID()).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try "<pad>\n<unk>\n<space>\na\nb\na\n".write(to: url, atomically: true, encoding: .utf8)
    #expect(throws: TextError.badVocabulary(path: url.path, line: 6, reason: "'a' appears twice")) {
        try SymbolVocabulary(contentsOf: url)
    }
    try "a\nb\n".write(to: url, atomically: true, encoding: .utf8)
    let error = #expect(throws: TextError.self) { try SymbolVocabulary(contentsOf: url) }
    #expect(error?.description.contains("\(url.path):1") == true)
}
