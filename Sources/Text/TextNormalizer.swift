import Foundation

/// English text normalisation for speech: writes out what a reader would say.
///
/// The steps, in order (each is a regular expression with a replacement, so a reader can
/// check any of them on its own; the tests show one example per step):
/// 1. Typography: curly quotes become straight ones, "…" becomes ".", a dash between
///    numbers (or a hyphen between two years) becomes " to " ("1990–1995"), other dashes a
///    comma; non-breaking spaces are spaces.
/// 2. Abbreviations with their period, case-insensitive: "Mr." → "mister", "Dr." →
///    "doctor", "St." → "saint", "e.g." → "for example", "No. 5" → "number five", … (the
///    table is ``abbreviations``).
/// 3. Currency: "$1.50" → "one dollar fifty cents", "£3" → "three pounds", "€2.5 million" →
///    "two point five million euros".
/// 4. Percentages: "12.5%" → "twelve point five percent".
/// 5. Ordinals: "21st" → "twenty-first".
/// 6. Decades and years: "1990s" → "nineteen nineties"; a four-digit number from 1000 to
///    2999 without a thousands comma reads as a year ("1984" → "nineteen eighty-four").
/// 7. Times, versions and digit groups: "10:30" → "ten thirty", "9:00" → "nine o'clock",
///    "2.0.1" → "two point zero point one", "10-12" → "ten to twelve", and hyphenated groups
///    of 7 digits or more, or of three groups or more, digit by digit ("555-1234" → "five five
///    five, one two three four").
///    Other numbers: thousands commas are dropped ("1,000,000" → "one million"), decimals
///    read digit by digit after "point" ("3.14" → "three point one four"), a leading "-"
///    is "minus".
/// 8. Symbols: "&" → "and", "+" → "plus", "=" → "equals", "@" → "at", "%" → "percent".
/// 9. Accents are stripped (NFD, combining marks dropped: "café" → "cafe"), everything is
///    lower-cased, and only letters, digits, spaces, apostrophes, hyphens inside words and
///    the punctuation `. , ? ! ; :` are kept (brackets and quotes become spaces); runs of
///    spaces collapse to one and spaces before punctuation are removed.
public struct TextNormalizer: Sendable {
    public init() {}

    /// Abbreviations expanded in step 2: the abbreviation without its period, and the words.
    public static let abbreviations: [(String, String)] = [
        ("mr", "mister"), ("mrs", "missus"), ("ms", "miz"), ("dr", "doctor"),
        ("prof", "professor"), ("st", "saint"), ("jr", "junior"), ("sr", "senior"),
        ("capt", "captain"), ("gen", "general"), ("col", "colonel"), ("lt", "lieutenant"),
        ("sgt", "sergeant"), ("gov", "governor"), ("rev", "reverend"), ("mt", "mount"),
        ("ft", "fort"), ("vs", "versus"), ("etc", "et cetera"), ("approx", "approximately"),
        ("dept", "department"), ("co", "company"), ("inc", "incorporated"), ("ltd", "limited"),
    ]

    /// ``abbreviations`` as compiled patterns: the word, its period, and whether the text
    /// ends there. (Regex is not Sendable; these are only read.)
    nonisolated(unsafe) static let abbreviationPatterns = abbreviations.map { abbreviation, words in
        (try! Regex("(?i)\\b\(abbreviation)\\.(\\s*$)?"), words)
    }

    /// The normalised text (see the type's documentation for the steps).
    public func normalize(_ text: String) -> String {
        var s = typography(text)
        s = expandAbbreviations(s)
        s = expandCurrency(s)
        s = expandNumbers(s)
        return cleanUp(s)
    }

    // Step 1.
    func typography(_ text: String) -> String {
        var s = text
        for (from, to) in [("\u{2018}", "'"), ("\u{2019}", "'"), ("\u{201C}", "\""),
                           ("\u{201D}", "\""), ("\u{2026}", "."), ("\u{00A0}", " ")] {
            s = s.replacingOccurrences(of: from, with: to)
        }
        s = s.replacing(/(\d)\s*[\u{2013}\u{2014}]\s*(\d)/) { "\($0.1) to \($0.2)" }
        s = s.replacing(/\b(\d{4})-(\d{4})\b/) { "\($0.1) to \($0.2)" }
        return s.replacing(/\s*(?:[\u{2013}\u{2014}]|--)\s*/, with: ", ")
    }

    // Step 2.
    func expandAbbreviations(_ text: String) -> String {
        var s = text.replacing(/(?i)\bno\.\s*(\d)/) { "number \($0.1)" }
        s = s.replacing(/(?i)\be\.\s?g\.(\s|$)/) { "for example\($0.1)" }
        s = s.replacing(/(?i)\bi\.\s?e\.(\s|$)/) { "that is\($0.1)" }
        for (pattern, words) in Self.abbreviationPatterns {
            s = s.replacing(pattern) { match in
                // At the very end the period also ends the sentence: keep it.
                match.output[1].substring != nil ? words + "." : words
            }
        }
        return s
    }

    // Step 3.
    func expandCurrency(_ text: String) -> String {
        let units: [Character: (String, String, String, String)] = [
            "$": ("dollar", "dollars", "cent", "cents"),
            "£": ("pound", "pounds", "penny", "pence"),
            "€": ("euro", "euros", "cent", "cents"),
        ]
        return text.replacing(
            /([$£€])\s?(\d[\d,]*)(?:\.(\d+))?(?:\s(thousand|million|billion|trillion)\b)?/
        ) { match in
            let (one, many, subOne, subMany) = units[match.output.1.first!]!
            var whole = Int(match.output.2.filter { $0 != "," }) ?? 0
            if let scale = match.output.4 {
                let amount = number(String(match.output.2), fraction: match.output.3.map(String.init))
                return "\(amount) \(scale) \(many)"
            }
            var cents = 0
            if let fraction = match.output.3 {
                // "$3.5" is three dollars fifty; more than two digits are rounded to cents.
                let thousandths = Int((fraction + "00").prefix(3)) ?? 0
                cents = (thousandths + 5) / 10
                if cents == 100 { whole += 1; cents = 0 }
            }
            var parts: [String] = []
            if whole > 0 || cents == 0 {
                parts.append(NumberWords.cardinal(whole) + " " + (whole == 1 ? one : many))
            }
            if cents > 0 {
                parts.append(NumberWords.cardinal(cents) + " " + (cents == 1 ? subOne : subMany))
            }
            return parts.joined(separator: " ")
        }
    }

    // Steps 4–8.
    func expandNumbers(_ text: String) -> String {
        var s = text.replacing(/(\d[\d,]*(?:\.\d+)?)\s?%/) { "\($0.1) percent" }
        s = s.replacing(/\b(\d+)(?i:st|nd|rd|th)\b/) { match in
            Int(match.output.1).map(NumberWords.ordinal) ?? String(match.output.0)
        }
        s = s.replacing(/\b(1\d|2\d)(\d0)'?s\b/) { match in
            plural(NumberWords.year(Int(match.output.1 + match.output.2)!))
        }
        s = s.replacing(/\b(\d{1,2}):(\d{2})\b/) { match in
            let hours = NumberWords.cardinal(Int(match.output.1)!), minutes = Int(match.output.2)!
            if minutes == 0 { return hours + " o'clock" }
            return hours + (minutes < 10 ? " oh " : " ") + NumberWords.cardinal(minutes)
        }
        s = s.replacing(/\d+(?:\.\d+){2,}/) { match in
            match.output.split(separator: ".").map { NumberWords.cardinal(Int($0) ?? 0) }
                .joined(separator: " point ")
        }
        s = s.replacing(/\d+(?:-\d+)+/) { match in
            let groups = match.output.split(separator: "-")
            if groups.count == 2 && groups.joined().count < 7 {
                return groups.map { NumberWords.cardinal(Int($0) ?? 0) }.joined(separator: " to ")
            }
            return groups.map(NumberWords.digits).joined(separator: ", ")
        }
        s = s.replacing(/(^|[^\w.,])-(\d)/) { "\($0.1)minus \($0.2)" }
        s = s.replacing(/\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\b/) { match in
            let digits = String(match.output.1)
            if match.output.2 == nil, !digits.contains(","), digits.count == 4,
               let year = Int(digits), (1000...2999).contains(year) {
                return NumberWords.year(year)
            }
            return number(digits, fraction: match.output.2.map(String.init))
        }
        for (symbol, word) in [("&", "and"), ("+", "plus"), ("=", "equals"), ("@", "at"),
                               ("%", "percent")] {
            s = s.replacingOccurrences(of: symbol, with: " \(word) ")
        }
        return s
    }

    /// "1,234" and an optional fraction "05" → "one thousand two hundred thirty-four point
    /// zero five". Numbers too large for `Int` are read digit by digit.
    func number(_ digits: String, fraction: String?) -> String {
        let plain = digits.filter { $0 != "," }
        var words = Int(plain).map(NumberWords.cardinal) ?? NumberWords.digits(plain)
        if let fraction { words += " point " + NumberWords.digits(fraction) }
        return words
    }

    /// The plural of a number's last word: "ninety" → "nineties", "hundred" → "hundreds".
    func plural(_ words: String) -> String {
        words.hasSuffix("y") ? words.dropLast() + "ies" : words + "s"
    }

    // Step 9.
    func cleanUp(_ text: String) -> String {
        let decomposed = text.decomposedStringWithCanonicalMapping.unicodeScalars
            .filter { $0.properties.generalCategory != .nonspacingMark }
        var s = String(String.UnicodeScalarView(decomposed)).lowercased()
        s = s.replacing(/[^\p{L}\p{N}\s'\-.,?!;:]/, with: " ")
        s = s.replacing(/(^|\s)[-']+|[-']+(\s|$)/) { "\($0.1 ?? "")\($0.2 ?? "") " }
        s = s.replacing(/\s+/, with: " ")
        s = s.replacing(/\s([.,?!;:])/) { String($0.1) }
        s = s.replacing(/([,;:])(?:[\s,;:]*[,;:])+/) { String($0.1) }
        return s.trimmingCharacters(in: .whitespaces)
    }
}
