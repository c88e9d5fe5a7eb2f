/// English words for numbers, as a reader would say them aloud.
///
/// - `cardinal(1234)` → "one thousand two hundred thirty-four" (no "and"; short scale:
///   thousand, million, billion, trillion, quadrillion, quintillion).
/// - `ordinal(23)` → "twenty-third".
/// - `year(1984)` → "nineteen eighty-four"; `year(2005)` → "two thousand five";
///   `year(1900)` → "nineteen hundred"; `year(1905)` → "nineteen oh five".
/// - `digits("14")` → "one four" (the fractional part of a decimal).
public enum NumberWords {
    static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                       "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                       "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
                       "eighty", "ninety"]
    static let scales = ["", "thousand", "million", "billion", "trillion", "quadrillion",
                         "quintillion"]

    /// The cardinal number in words; negative numbers start with "minus".
    public static func cardinal(_ n: Int) -> String {
        if n < 0 { return "minus " + cardinal(n == .min ? .max : -n) }
        if n < 1000 { return belowThousand(n) }
        var groups: [String] = []
        var rest = n
        var scale = 0
        while rest > 0 {
            let group = rest % 1000
            if group > 0 {
                groups.append(scale == 0 ? belowThousand(group)
                                         : belowThousand(group) + " " + scales[scale])
            }
            rest /= 1000
            scale += 1
        }
        return groups.reversed().joined(separator: " ")
    }

    /// The ordinal number in words: the last word of the cardinal becomes an ordinal
    /// ("one" → "first", "twelve" → "twelfth", "twenty" → "twentieth", else + "th").
    public static func ordinal(_ n: Int) -> String {
        let words = cardinal(n)
        // The last word may be hyphenated ("twenty-one"): only its last part changes.
        let cut = words.lastIndex(where: { $0 == " " || $0 == "-" }).map(words.index(after:))
            ?? words.startIndex
        return String(words[..<cut]) + ordinalWord(String(words[cut...]))
    }

    /// A year read in pairs of digits, as English speakers do for 1000–2999 (outside that
    /// range: the cardinal). 2000–2009 read as "two thousand (n)"; x00 years as "x hundred".
    public static func year(_ n: Int) -> String {
        guard (1000...2999).contains(n) else { return cardinal(n) }
        let high = n / 100, low = n % 100
        if n >= 2000 && n < 2010 { return cardinal(n) }
        if low == 0 { return cardinal(high) + " hundred" }
        if low < 10 { return cardinal(high) + " oh " + cardinal(low) }
        return cardinal(high) + " " + cardinal(low)
    }

    /// Each decimal digit of `digits` in words, separated by spaces ("305" → "three zero five").
    public static func digits<S: StringProtocol>(_ digits: S) -> String {
        digits.compactMap { $0.wholeNumberValue.map { ones[$0] } }.joined(separator: " ")
    }

    static func belowThousand(_ n: Int) -> String {
        if n < 20 { return ones[n] }
        if n < 100 { return tens[n / 10] + (n % 10 == 0 ? "" : "-" + ones[n % 10]) }
        let rest = n % 100
        return ones[n / 100] + " hundred" + (rest == 0 ? "" : " " + belowThousand(rest))
    }

    static func ordinalWord(_ word: String) -> String {
        let irregular = ["one": "first", "two": "second", "three": "third", "five": "fifth",
                         "eight": "eighth", "nine": "ninth", "twelve": "twelfth"]
        if let ordinal = irregular[word] { return ordinal }
        if word.hasSuffix("y") { return word.dropLast() + "ieth" }
        return word + "th"
    }
}
