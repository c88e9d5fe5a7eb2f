import Testing
import Text

/// Long text is spoken piece by piece: sentences, then clauses, then runs of words.
@Suite struct TextPiecesTests {
    @Test func sentencesAreCutAtTheirEndsAndAtLineBreaks() {
        #expect(TextPieces.split("Hello there. How are you?  Fine!\nNew line") ==
                ["Hello there.", "How are you?", "Fine!", "New line"])
        #expect(TextPieces.split("Version 1.5 is out.") == ["Version 1.5 is out."])
    }

    @Test func aLongSentenceIsCutAtClausesThenAtWords() {
        let pieces = TextPieces.split("one two three, four five; six seven eight nine ten eleven", maxWords: 4)
        #expect(pieces == ["one two three,", "four five;", "six seven eight nine", "ten eleven"])
    }

    @Test func everyPieceOfALongTextFitsAndNoWordIsLost() {
        let words = (0..<5000).map { "w\($0)" + ($0 % 97 == 0 ? "," : "") + ($0 % 211 == 0 ? "." : "") }
        let pieces = TextPieces.split(words.joined(separator: " "), maxWords: 30)
        #expect(pieces.allSatisfy { $0.split(separator: " ").count <= 30 })
        #expect(pieces.joined(separator: " ").split(separator: " ").count == 5000)
    }
}
