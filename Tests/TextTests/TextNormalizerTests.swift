import Testing
import Text

private let normalizer = TextNormalizer()

@Test(arguments: [
    // Typography and case.
    ("“Hello” — she said…", "hello, she said."),
    ("Pages 10–12 of the 1990-1995 report", "pages ten to twelve of the nineteen ninety to nineteen ninety-five report"),
    // Abbreviations.
    ("Mr. Smith met Dr. Jones on St. Mark's day.", "mister smith met doctor jones on saint mark's day."),
    ("Apples, pears, etc.", "apples, pears, et cetera."),
    ("Fruit, e.g. apples", "fruit, for example apples"),
    ("Room No. 5", "room number five"),
    // Currency.
    ("It costs $1.50.", "it costs one dollar fifty cents."),
    ("$1", "one dollar"),
    ("£3 and €0.25", "three pounds and twenty-five cents"),
    ("$3.5 or $2.999", "three dollars fifty cents or three dollars"),
    ("$2.5 million", "two point five million dollars"),
    // Percent, ordinals, years, decimals, big numbers, minus.
    ("12.5% of 200", "twelve point five percent of two hundred"),
    ("the 21st and 2nd", "the twenty-first and second"),
    ("In 1984 and the 1990s", "in nineteen eighty-four and the nineteen nineties"),
    ("pi is 3.14", "pi is three point one four"),
    ("1,000,000 people", "one million people"),
    ("It was -5 degrees", "it was minus five degrees"),
    ("4000 apples", "four thousand apples"),
    ("At 10:30 or 9:00 or 7:05", "at ten thirty or nine o'clock or seven oh five"),
    ("Pages 10-12", "pages ten to twelve"),
    ("Call 555-1234 for version 2.0.1", "call five five five, one two three four for version two point zero point one"),
    // Symbols, accents, brackets.
    ("Salt & pepper", "salt and pepper"),
    ("A café (naïve) [sic]", "a cafe naive sic"),
    ("Wait ... what ?!", "wait... what?!"),
])
func normalizesEnglish(_ input: String, _ expected: String) {
    #expect(normalizer.normalize(input) == expected)
}

@Test func normalizedTextUsesOnlyTheCharacterAlphabet() {
    let text = normalizer.normalize("On 3/4/2021, Dr. Ng paid $12.75 (incl. 20% tax) — “wow”!")
    let alphabet = Set(CharacterTokenizer.alphabet.joined() + " ")
    #expect(text.allSatisfy { alphabet.contains($0) }, "\(text)")
}
