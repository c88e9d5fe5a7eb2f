/// Characters of normalised text to ids: the alphabet of ``TextNormalizer``'s output
/// (`a`–`z`, digits, `' - . , ? ! ; :`), the space as the word boundary, anything else
/// `<unk>`.
public struct CharacterTokenizer: Sendable {
    public static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789'-.,?!;:").map(String.init)

    public let vocabulary = SymbolVocabulary(symbols: alphabet)
    public let normalizer = TextNormalizer()

    public init() {}

    /// The ids of the characters of `normalize(text)`.
    public func encode(_ text: String) -> [Int] {
        vocabulary.encode(normalizer.normalize(text).map(String.init))
    }

    /// The text of `ids`, without padding.
    public func decode(_ ids: [Int]) -> String {
        vocabulary.decode(ids).filter { $0 != PhonemeSymbols.padding }.joined()
    }
}
