import Foundation
import NN
import Tensor
import Text

/// A pretrained BERT from a Hugging Face folder: the encoder (`config.json`,
/// `model.safetensors`) and its WordPiece tokenizer (`vocab.txt`, with `do_lower_case` and
/// `strip_accents` from `tokenizer_config.json` when present). scripts/fetch-bert prints
/// such a folder (all-MiniLM-L6-v2: 6 layers, hidden 384, 22.6 M parameters).
///
/// Text goes in as one sentence: `[CLS] pieces… [SEP]`, token type 0, no truncation.
public struct PretrainedBERT {
    public let model: BERTModel
    public let tokenizer: WordPieceTokenizer

    /// Where scripts/fetch-bert puts all-MiniLM-L6-v2, or the folder `FUNAUDIO_BERT` names:
    /// `$FUNAUDIO_BERT`, else `$FUNAUDIO_MODELS/all-MiniLM-L6-v2`, else
    /// `~/.cache/funaudio/models/all-MiniLM-L6-v2`.
    public static var defaultFolder: URL {
        let env = ProcessInfo.processInfo.environment
        if let folder = env["FUNAUDIO_BERT"] { return URL(fileURLWithPath: folder) }
        return URL(fileURLWithPath: env["FUNAUDIO_MODELS"] ?? NSHomeDirectory() + "/.cache/funaudio/models")
            .appendingPathComponent("all-MiniLM-L6-v2")
    }

    /// The files a folder must hold.
    public static let requiredFiles = ["config.json", "model.safetensors", "vocab.txt"]

    /// Loads the folder; see ``BERTModel/load(config:weights:trainable:)`` for the checks on
    /// the weights. Frozen unless `trainable`.
    public init(folder: URL, trainable: Bool = false) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw BERTError.missingFile(folder: folder.path, file: "the folder itself")
        }
        for file in Self.requiredFiles where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) {
            throw BERTError.missingFile(folder: folder.path, file: file)
        }
        model = try BERTModel.load(config: folder.appendingPathComponent("config.json"),
                                   weights: folder.appendingPathComponent("model.safetensors"),
                                   trainable: trainable)
        tokenizer = try WordPieceTokenizer(vocabularyFile: folder.appendingPathComponent("vocab.txt"),
                                           normalizer: try Self.normalizer(folder: folder))
        guard tokenizer.vocabulary.count <= model.config.vocabSize else {
            throw BERTError.badConfig(
                file: folder.appendingPathComponent("vocab.txt").path, key: nil,
                reason: "\(tokenizer.vocabulary.count) tokens, but config.json's vocab_size is \(model.config.vocabSize): the vocabulary belongs to another model")
        }
    }

    /// `BertNormalizer` options from `tokenizer_config.json` (BERT's defaults without it:
    /// lower-case, accents stripped).
    private static func normalizer(folder: URL) throws -> BertNormalizer {
        let url = folder.appendingPathComponent("tokenizer_config.json")
        guard let data = try? Data(contentsOf: url) else { return BertNormalizer() }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw BERTError.badConfig(file: url.path, key: nil, reason: "not a JSON object")
        }
        return BertNormalizer(lowercase: json["do_lower_case"] as? Bool ?? true,
                              stripAccents: json["strip_accents"] as? Bool)
    }

    /// The WordPiece pieces of `text` (`[CLS]` … `[SEP]`) and their last hidden states
    /// `[pieces, hidden]`.
    public func encode(_ text: String) throws -> (pieces: [String], hidden: Tensor) {
        let (ids, pieces) = tokenizer.encode(text)
        return (pieces, try model.hiddenStates(ids))
    }

    /// One feature vector per word of `text`, `[words, hidden]`: the mean of the last
    /// hidden states of the word's WordPiece pieces (as Bert-VITS2 gives each word its
    /// BERT features before spreading them over the word's phonemes).
    ///
    /// Words are the whitespace-separated words of `text`, punctuation attached to a word
    /// included in its pieces ("world." → `world`, `.`). Matching the phonemizer: give this
    /// function the same text as ``Phonemizer`` (``TextNormalizer``'s output, in which
    /// spaces separate the words espeak-ng reads; hyphenated words and contractions stay one
    /// word in both), and row `i` belongs to the phonemes of word `i`. Where espeak-ng joins
    /// short words into one phoneme word ("of the" → "ʌvðə"), the caller averages their rows. `[CLS]` and `[SEP]` belong to no
    /// word; a word that yields no piece (only control characters) gets zeros.
    ///
    /// Differentiable: with a trainable model, gradients flow into the encoder.
    public func wordFeatures(_ text: String) throws -> (words: [String], features: Tensor) {
        let (words, ids, pieces) = try wordPieces(text)
        return (words, try model.wordFeatures(BERTWordInput(ids: ids, piecesPerWord: pieces, tokenWords: [])))
    }

    /// What BERT reads for an utterance of phoneme `tokens` made from `text`, and the word
    /// each token takes its features from (see ``BERTWordInput``): tokenization only, no
    /// encoder pass. Throws if the text has no words or too many pieces for the model.
    ///
    /// - Parameters:
    ///   - tokens: token ids into `symbols` (the model's symbol table).
    ///   - text: the normalised text the phonemes were made from.
    public func wordInput(tokens: [Int], symbols: [String], text: String) throws -> BERTWordInput {
        let (_, ids, pieces) = try wordPieces(text)
        try model.checkInput(ids)
        return BERTWordInput(ids: ids, piecesPerWord: pieces,
                             tokenWords: BERTWordInput.tokenWords(tokens: tokens, symbols: symbols, words: pieces.count))
    }

    /// The whitespace-separated words of `text`, its ids `[CLS] pieces… [SEP]` and the
    /// number of pieces of each word.
    private func wordPieces(_ text: String) throws -> (words: [String], ids: [Int], piecesPerWord: [Int]) {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else { throw BERTError.badInput(reason: "the text has no words") }
        let pieces = words.map { tokenizer.normalizer.words($0).flatMap(tokenizer.pieceIDs(of:)) }
        return (words, [tokenizer.clsID] + pieces.joined() + [tokenizer.sepID], pieces.map(\.count))
    }
}
