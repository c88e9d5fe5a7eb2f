import Foundation
import Testing
import Text

private struct Fixture: Decodable {
    struct Case: Decodable {
        var text: String
        var ids: [Int]
        var tokens: [String]
        var truncated_ids: [Int]
    }
    var max_length: Int
    var cases: [Case]
}

private let vocabularyURL = Bundle.module.url(forResource: "Fixtures/bert-vocab", withExtension: "txt")!
private let fixture = try! JSONDecoder().decode(
    Fixture.self,
    from: Data(contentsOf: Bundle.module.url(forResource: "Fixtures/wordpiece_cases", withExtension: "json")!))

@Test func matchesHuggingFaceTokenizersOnEveryFixtureSentence() throws {
    let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyURL)
    #expect(fixture.cases.count >= 50)
    for item in fixture.cases {
        let encoded = tokenizer.encode(item.text)
        #expect(encoded.ids == item.ids, "\(item.text.debugDescription)")
        #expect(encoded.pieces == item.tokens, "\(item.text.debugDescription)")
        #expect(tokenizer.encode(item.text, maxLength: fixture.max_length).ids == item.truncated_ids)
    }
}

@Test func splitsUnknownWordsIntoContinuationPieces() throws {
    let tokenizer = try WordPieceTokenizer(vocabularyFile: vocabularyURL)
    #expect(tokenizer.encode("unaffable").pieces == ["[CLS]", "una", "##ffa", "##ble", "[SEP]"])
    #expect(tokenizer.encode("Héllo, 世界", maxLength: 5).pieces == ["[CLS]", "hello", ",", "世", "[SEP]"])
    #expect(tokenizer.encode(String(repeating: "a", count: 101)).pieces == ["[CLS]", "[UNK]", "[SEP]"])
}

@Test func vocabularyWithoutSpecialTokensIsRejected() {
    #expect(throws: TextError.badVocabulary(path: "vocabulary", line: nil,
                                            reason: "has no [UNK] token; is it a BERT vocab.txt?")) {
        try WordPieceTokenizer(vocabulary: ["a", "b"])
    }
}
