import Tensor
import Text

/// What BERT reads for one utterance and how its word features reach the phoneme tokens:
/// the text's WordPiece ids, the pieces of each word, and the word each token takes its
/// features from. The tokenizer makes it once per utterance
/// (``PretrainedBERT/wordInput(tokens:symbols:text:)``); a frozen encoder then runs once
/// (``PretrainedBERT/phonemeWordFeatures(tokens:symbols:text:)``), a fine-tuned one at every
/// forward pass of the model (``BERTBatch``), so both spread the features the same way.
public struct BERTWordInput: Sendable, Equatable {
    /// `[CLS] pieces… [SEP]`.
    public var ids: [Int]
    /// How many of the pieces after `[CLS]` belong to each word, in order (0 for a word of
    /// control characters only).
    public var piecesPerWord: [Int]
    /// For each phoneme token, the word whose features it takes (`0..<piecesPerWord.count`).
    public var tokenWords: [Int]

    public init(ids: [Int], piecesPerWord: [Int], tokenWords: [Int]) {
        self.ids = ids; self.piecesPerWord = piecesPerWord; self.tokenWords = tokenWords
    }

    /// `[words, ids.count]` row-major: row `w` is `1/n` over word `w`'s `n` pieces, so
    /// `averaging · hidden` gives each word the mean of its pieces' states (zeros for a word
    /// without pieces; `[CLS]` and `[SEP]` belong to no word).
    var averaging: [Float] {
        var out = [Float](repeating: 0, count: piecesPerWord.count * ids.count)
        var token = 1
        for (w, n) in piecesPerWord.enumerated() {
            for t in token..<(token + n) { out[w * ids.count + t] = 1 / Float(n) }
            token += n
        }
        return out
    }

    /// The word of every phoneme token (Bert-VITS2's word-to-phoneme spreading).
    ///
    /// Phoneme words are the runs of tokens between word-boundary symbols; a boundary or
    /// pause takes the word that follows it (the last word, at the end). When espeak-ng's
    /// word count differs from BERT's (it joins "of the" into one word, reads "3.50" as
    /// five), tokens are spread over BERT's words in proportion to their position instead —
    /// an approximation that keeps every phoneme near its word.
    static func tokenWords(tokens: [Int], symbols: [String], words: Int) -> [Int] {
        let separators: Set<String> = [PhonemeSymbols.wordBoundary, PhonemeSymbols.pause]
        var wordOf = [Int](repeating: 0, count: tokens.count)
        var word = -1, inWord = false
        for (i, token) in tokens.enumerated() {
            if separators.contains(symbols[token]) {
                inWord = false
                wordOf[i] = word + 1
            } else {
                if !inWord { word += 1; inWord = true }
                wordOf[i] = word
            }
        }
        if word + 1 != words {
            wordOf = tokens.indices.map { $0 * words / max(tokens.count, 1) }
        }
        return wordOf.map { min($0, words - 1) }
    }
}

/// The ``BERTWordInput``s of a batch, padded for one forward pass of a fine-tuned BERT.
public struct BERTBatch {
    public let size: Int
    /// Longest `[CLS] … [SEP]` of the batch.
    public let length: Int
    /// `[B, length]` row-major, 0 (`[PAD]`) after each utterance's `[SEP]`.
    public let ids: [Int]
    /// `[B, length]`, 1 at padding (which no piece attends to); nil when nothing is padded.
    public let paddingMask: Tensor?
    /// `[B, T, length]`: row `(b, t)` is the ``BERTWordInput/averaging`` row of token `t`'s
    /// word (zeros at padding tokens), so `spreading · hidden` gives each token its word's
    /// features in one product.
    public let spreading: Tensor

    /// `tokenCount`: the padded phoneme length `T` of the batch.
    public init(_ inputs: [BERTWordInput], tokenCount: Int) {
        size = inputs.count
        length = inputs.map(\.ids.count).max() ?? 0
        var ids = [Int](repeating: 0, count: size * length)
        var padding = [Float](repeating: 0, count: size * length)
        var spreading = [Float](repeating: 0, count: size * tokenCount * length)
        for (b, input) in inputs.enumerated() {
            precondition(input.tokenWords.count <= tokenCount, "BERTBatch: \(input.tokenWords.count) tokens > \(tokenCount)")
            ids.replaceSubrange(b * length ..< b * length + input.ids.count, with: input.ids)
            for l in input.ids.count..<length { padding[b * length + l] = 1 }
            let averaging = input.averaging, n = input.ids.count
            for (t, w) in input.tokenWords.enumerated() {
                let row = (b * tokenCount + t) * length
                spreading.replaceSubrange(row ..< row + n, with: averaging[(w * n)..<(w * n + n)])
            }
        }
        self.ids = ids
        paddingMask = padding.contains(1) ? Tensor(padding, shape: [size, length]) : nil
        self.spreading = Tensor(spreading, shape: [size, tokenCount, length])
    }
}

extension BERTModel {
    /// Each phoneme token's word features `[B, T, hidden]`: BERT's last hidden states of each
    /// text, averaged per word and spread over the word's tokens; differentiable, so a
    /// fine-tuned encoder learns from the model's loss. Padding pieces are masked, so an
    /// utterance's features do not depend on the rest of its batch (up to rounding).
    public func phonemeFeatures(_ batch: BERTBatch) -> Tensor {
        let hidden = self(batch.ids, shape: [batch.size, batch.length], paddingMask: batch.paddingMask)
        return matmul(batch.spreading, hidden)                                   // [B, T, hidden]
    }

    /// One word feature vector per word of `input`, `[words, hidden]` (checked ids).
    func wordFeatures(_ input: BERTWordInput) throws -> Tensor {
        matmul(Tensor(input.averaging, shape: [input.piecesPerWord.count, input.ids.count]), try hiddenStates(input.ids))
    }
}
