import Foundation

/// The "basic tokenizer" of BERT: cleans, normalises and splits text into words and
/// punctuation, as Hugging Face `tokenizers`' `BertNormalizer` + `BertPreTokenizer` do.
///
/// Steps (on Unicode scalars, as Rust's `char`s):
/// 1. clean: drop U+0000, U+FFFD and control characters (categories Cc, Cf, Co, except
///    tab, newline, carriage return); every whitespace character becomes a space;
/// 2. put spaces around CJK ideographs, so each is a word;
/// 3. strip accents (when ``stripAccents``, by default when ``lowercase``): canonical
///    decomposition (NFD), then drop non-spacing marks (Mn);
/// 4. lower-case each scalar (full Unicode mapping, one scalar at a time: "Σ" is always "σ");
/// 5. split on whitespace, then make each punctuation character (ASCII punctuation, or a
///    Unicode P* category) a word of its own.
///
/// `tokenizers` takes its categories (steps 1, 3 and 5) from tables of Unicode 8.0: a
/// character assigned later is in none of them (measured: U+08D4, a Unicode 9.0 Mn, is
/// kept; U+2E43, a 9.0 Po, is not split off). ``unicodeVersion`` reproduces that.
public struct BertNormalizer: Sendable {
    public var lowercase: Bool
    public var stripAccents: Bool?
    /// The Unicode version of the category tables (see above).
    public static let unicodeVersion = (major: 8, minor: 0)

    public init(lowercase: Bool = true, stripAccents: Bool? = nil) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
    }

    /// The words of `text` after steps 1–5.
    public func words(_ text: String) -> [String] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for c in text.unicodeScalars {
            if c.value == 0 || c.value == 0xFFFD || Self.isControl(c) { continue }
            if Self.isWhitespace(c) {
                scalars.append(" ")
            } else if Self.isCJK(c) {
                scalars.append(contentsOf: [" ", c, " "])
            } else {
                scalars.append(c)
            }
        }
        if stripAccents ?? lowercase {
            let decomposed = String(String.UnicodeScalarView(scalars)).decomposedStringWithCanonicalMapping
            scalars = decomposed.unicodeScalars.filter {
                !Self.hasCategory($0, in: [.nonspacingMark])
            }
        }
        if lowercase {
            scalars = scalars.flatMap { $0.properties.lowercaseMapping.unicodeScalars }
        }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current)); current = String.UnicodeScalarView() }
        }
        for c in scalars {
            if Self.isWhitespace(c) {
                flush()
            } else if Self.isPunctuation(c) {
                flush()
                words.append(String(c))
            } else {
                current.append(c)
            }
        }
        flush()
        return words
    }

    static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == "\t" || c == "\n" || c == "\r" || c.properties.isWhitespace
    }

    static func isControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        return hasCategory(c, in: [.control, .format, .privateUse, .surrogate])
    }

    static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (33...47).contains(c.value) || (58...64).contains(c.value)
                              || (91...96).contains(c.value) || (123...126).contains(c.value) }
        return hasCategory(c, in: [.connectorPunctuation, .dashPunctuation, .openPunctuation,
                                   .closePunctuation, .initialPunctuation, .finalPunctuation,
                                   .otherPunctuation])
    }

    /// Whether `c` was assigned by ``unicodeVersion`` and has one of `categories`.
    static func hasCategory(_ c: Unicode.Scalar, in categories: Set<Unicode.GeneralCategory>) -> Bool {
        guard categories.contains(c.properties.generalCategory), let age = c.properties.age
        else { return false }
        return (age.major, age.minor) <= unicodeVersion
    }

    /// The CJK ideograph blocks of BERT's `_is_chinese_char`.
    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
