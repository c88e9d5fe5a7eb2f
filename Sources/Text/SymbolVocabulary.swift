import Foundation

/// The special symbols shared by the phoneme and character vocabularies.
public enum PhonemeSymbols {
    /// Padding, id 0: fills batches to a common length.
    public static let padding = "<pad>"
    /// Unknown, id 1: any symbol the vocabulary does not hold.
    public static let unknown = "<unk>"
    /// Word boundary, id 2: between two words (the space of the character tokenizer).
    public static let wordBoundary = " "
    /// A pause (silence): at the start of an utterance and after each clause. An ordinary
    /// symbol, listed in every phoneme vocabulary.
    public static let pause = "_"
    /// Stress marks that ``Phonemizer/symbols(_:)`` removes (espeak-ng's synthesis events
    /// carry none).
    public static let stressMarks: Set<Character> = ["ˈ", "ˌ"]
}

/// A fixed list of symbols and their ids: `<pad>` = 0, `<unk>` = 1, word boundary = 2, then
/// the symbols in the order given (duplicates and specials among them are ignored).
///
/// Saved as UTF-8 text, one symbol per line in id order, the word boundary written as
/// `<space>`.
public struct SymbolVocabulary: Sendable, Equatable {
    public static let paddingID = 0
    public static let unknownID = 1
    public static let wordBoundaryID = 2
    static let specials = [PhonemeSymbols.padding, PhonemeSymbols.unknown, PhonemeSymbols.wordBoundary]
    static let spaceName = "<space>"

    /// All symbols, indexed by id.
    public let symbols: [String]
    private let ids: [String: Int]

    public init<S: Sequence>(symbols: S) where S.Element == String {
        var list = Self.specials
        var ids = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1, $0) })
        for symbol in symbols where ids[symbol] == nil {
            ids[symbol] = list.count
            list.append(symbol)
        }
        self.symbols = list
        self.ids = ids
    }

    /// The vocabulary of every symbol in `sequences`, sorted by Unicode scalars so that the
    /// ids do not depend on the order the sequences came in.
    public init<S: Sequence>(collecting sequences: S) where S.Element == [String] {
        let all = Set(sequences.joined())
        self.init(symbols: all.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) })
    }

    /// Reads a vocabulary written by ``write(to:)``.
    public init(contentsOf url: URL) throws {
        guard let data = try? Data(contentsOf: url),
              let text = String(data: data, encoding: .utf8) else {
            throw TextError.badVocabulary(path: url.path, line: nil,
                                          reason: "cannot read it as UTF-8 text")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let symbols = lines.map { $0 == Self.spaceName ? PhonemeSymbols.wordBoundary : $0 }
        for (i, expected) in Self.specials.enumerated() where symbols.count <= i || symbols[i] != expected {
            throw TextError.badVocabulary(
                path: url.path, line: i + 1,
                reason: "expected the special symbol '\(expected == " " ? Self.spaceName : expected)'; "
                    + "write vocabularies with SymbolVocabulary.write(to:)")
        }
        if let duplicate = symbols.indices.first(where: { symbols[..<$0].contains(symbols[$0]) }) {
            throw TextError.badVocabulary(path: url.path, line: duplicate + 1,
                                          reason: "'\(symbols[duplicate])' appears twice")
        }
        self.init(symbols: symbols.dropFirst(Self.specials.count))
    }

    public var count: Int { symbols.count }

    /// The id of `symbol`, or ``unknownID``.
    public func id(of symbol: String) -> Int { ids[symbol] ?? Self.unknownID }

    public func encode(_ symbols: [String]) -> [Int] { symbols.map(id(of:)) }

    /// The symbols of `ids`; an id outside the vocabulary decodes to `<unk>`.
    public func decode(_ ids: [Int]) -> [String] {
        ids.map { symbols.indices.contains($0) ? symbols[$0] : PhonemeSymbols.unknown }
    }

    public func write(to url: URL) throws {
        let lines = symbols.map { $0 == PhonemeSymbols.wordBoundary ? Self.spaceName : $0 }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }
}
