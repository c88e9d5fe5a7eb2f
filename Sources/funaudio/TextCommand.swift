import ArgumentParser
import Foundation
import Text

/// `funaudio text ...`: the text front end from the command line.
struct TextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text",
        abstract: "Normalise, phonemise and tokenise text.",
        subcommands: [TextPhonemes.self, TextTokenize.self, TextBERT.self]
    )
}

/// Prints `value` as one line of JSON with sorted keys.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `funaudio text phonemes "…"`: normalised text, IPA per word, model symbols.
struct TextPhonemes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phonemes",
        abstract: "Normalise English text and print its phonemes (libespeak-ng).")

    @Argument(help: "The text.")
    var text: String

    @Option(help: "An espeak-ng voice (en-us, en, en-gb-x-rp, en-us+f3, ...).")
    var voice = "en-us"

    @Flag(help: "Phonemise the text as given, without normalising it first.")
    var raw = false

    @Flag(help: "Print JSON: normalized, ipa (one string per word), symbols.")
    var json = false

    func run() throws {
        let normalized = raw ? text : TextNormalizer().normalize(text)
        let phonemizer = Phonemizer(voice: voice)
        let ipa = try phonemizer.ipaWords(normalized)
        let symbols = try phonemizer.symbols(normalized)
        if json {
            struct Output: Encodable { var normalized: String; var ipa: [String]; var symbols: [String] }
            try printJSON(Output(normalized: normalized, ipa: ipa, symbols: symbols))
        } else {
            print("normalized: \(normalized)")
            print("ipa:        \(ipa.joined(separator: " "))")
            print("symbols:    \(symbols.map { $0 == PhonemeSymbols.wordBoundary ? "|" : $0 }.joined(separator: " "))")
        }
    }
}

/// `funaudio text tokenize --vocab vocab.txt "…"`: BERT WordPiece ids and pieces.
struct TextTokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Split text into BERT WordPiece tokens with a vocab.txt.")

    @Argument(help: "The text.")
    var text: String

    @Option(help: "A BERT vocab.txt (one token per line).")
    var vocab: String

    @Option(help: "Cut to at most this many tokens, [CLS] and [SEP] included.")
    var maxLength: Int?

    @Flag(help: "Keep case and accents (for cased vocabularies).")
    var cased = false

    @Flag(help: "Print JSON: ids and pieces.")
    var json = false

    func validate() throws {
        if let maxLength, maxLength < 2 {
            throw ValidationError("--max-length must be at least 2 ([CLS] and [SEP])")
        }
    }

    func run() throws {
        let tokenizer = try WordPieceTokenizer(
            vocabularyFile: URL(fileURLWithPath: vocab),
            normalizer: BertNormalizer(lowercase: !cased))
        let (ids, pieces) = tokenizer.encode(text, maxLength: maxLength)
        if json {
            struct Output: Encodable { var ids: [Int]; var pieces: [String] }
            try printJSON(Output(ids: ids, pieces: pieces))
        } else {
            print(zip(pieces, ids).map { "\($0)(\($1))" }.joined(separator: " "))
        }
    }
}
