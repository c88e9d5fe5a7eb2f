import Testing
@testable import Text

@Test func cardinalsAreSpelledOutWithoutAnd() {
    #expect(NumberWords.cardinal(0) == "zero")
    #expect(NumberWords.cardinal(13) == "thirteen")
    #expect(NumberWords.cardinal(40) == "forty")
    #expect(NumberWords.cardinal(99) == "ninety-nine")
    #expect(NumberWords.cardinal(101) == "one hundred one")
    #expect(NumberWords.cardinal(1234) == "one thousand two hundred thirty-four")
    #expect(NumberWords.cardinal(2_000_017) == "two million seventeen")
    #expect(NumberWords.cardinal(-5) == "minus five")
}

@Test func ordinalsChangeOnlyTheLastWord() {
    #expect(NumberWords.ordinal(1) == "first")
    #expect(NumberWords.ordinal(2) == "second")
    #expect(NumberWords.ordinal(12) == "twelfth")
    #expect(NumberWords.ordinal(20) == "twentieth")
    #expect(NumberWords.ordinal(23) == "twenty-third")
    #expect(NumberWords.ordinal(101) == "one hundred first")
    #expect(NumberWords.ordinal(1000) == "one thousandth")
}

@Test func yearsAreReadInPairs() {
    #expect(NumberWords.year(1984) == "nineteen eighty-four")
    #expect(NumberWords.year(1900) == "nineteen hundred")
    #expect(NumberWords.year(1905) == "nineteen oh five")
    #expect(NumberWords.year(2000) == "two thousand")
    #expect(NumberWords.year(2007) == "two thousand seven")
    #expect(NumberWords.year(2025) == "twenty twenty-five")
    #expect(NumberWords.year(3500) == "three thousand five hundred")
}
