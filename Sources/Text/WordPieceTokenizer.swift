import Foundation

/// BERT's WordPiece tokenizer over a `vocab.txt` (one token per line, the id is the line
/// number from 0), with the special tokens and the post-processing of a single sentence:
/// `[CLS] pieces… [SEP]`.
///
/// Each word from ``BertNormalizer`` is split greedily, longest match first: take the
/// longest prefix in the vocabulary, then the longest continuation `##…` of the rest, and
/// so on. A word with a part that matches nothing, or longer than
/// ``maxInputCharsPerWord`` scalars, becomes the single token `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: [String]
    public let normalizer: BertNormalizer
    public var maxInputCharsPerWord = 100
    public static let continuationPrefix = "##"
    private let ids: [String: Int]
    public let unknownID: Int
    public let clsID: Int
    public let sepID: Int
    public let padID: Int

    /// Reads `vocab.txt`; it must hold `[UNK]`, `[CLS]`, `[SEP]` and `[PAD]`.
    public init(vocabularyFile url: URL, normalizer: BertNormalizer = BertNormalizer()) throws {
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8)
        else {
            throw TextError.badVocabulary(path: url.path, line: nil,
                                          reason: "cannot read it as UTF-8 text (a BERT vocab.txt?)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        try self.init(vocabulary: lines, normalizer: normalizer, source: url.path)
    }

    public init(vocabulary: [String], normalizer: BertNormalizer = BertNormalizer(),
                source: String = "vocabulary") throws {
        var ids: [String: Int] = [:]
        for (id, token) in vocabulary.enumerated() where ids[token] == nil { ids[token] = id }
        func special(_ token: String) throws -> Int {
            guard let id = ids[token] else {
                throw TextError.badVocabulary(path: source, line: nil,
                                              reason: "has no \(token) token; is it a BERT vocab.txt?")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.normalizer = normalizer
        self.ids = ids
        unknownID = try special("[UNK]")
        clsID = try special("[CLS]")
        sepID = try special("[SEP]")
        padID = try special("[PAD]")
    }

    /// The token ids and pieces of one sentence: `[CLS]`, the pieces (cut so that the whole
    /// is at most `maxLength` long), `[SEP]`.
    public func encode(_ text: String, maxLength: Int? = nil) -> (ids: [Int], pieces: [String]) {
        var ids = normalizer.words(text).flatMap(pieceIDs(of:))
        if let maxLength { ids = Array(ids.prefix(max(0, maxLength - 2))) }
        ids = [clsID] + ids + [sepID]
        return (ids, ids.map { vocabulary[$0] })
    }

    /// The WordPiece ids of one word.
    public func pieceIDs(of word: String) -> [Int] {
        let scalars = Array(word.unicodeScalars)
        if scalars.count > maxInputCharsPerWord { return [unknownID] }
        var pieces: [Int] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var match: Int?
            while start < end {
                var piece = String(String.UnicodeScalarView(scalars[start..<end]))
                if start > 0 { piece = Self.continuationPrefix + piece }
                if let id = ids[piece] { match = id; break }
                end -= 1
            }
            guard let match else { return [unknownID] }
            pieces.append(match)
            start = end
        }
        return pieces
    }
}
