import Testing
import Text

@Test func charactersOfNormalizedTextRoundTrip() {
    let tokenizer = CharacterTokenizer()
    let ids = tokenizer.encode("Dr. Who, 2 cats!")
    #expect(tokenizer.decode(ids) == "doctor who, two cats!")
    #expect(ids.contains(SymbolVocabulary.wordBoundaryID))
    #expect(!ids.contains(SymbolVocabulary.unknownID))
}

@Test func lettersOutsideTheAlphabetAreUnknown() {
    let tokenizer = CharacterTokenizer()
    #expect(tokenizer.encode("ab 猫") == [3, 4, SymbolVocabulary.wordBoundaryID, SymbolVocabulary.unknownID])
}
