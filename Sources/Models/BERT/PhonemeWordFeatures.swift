import Foundation
import Tensor
import Text

extension PretrainedBERT {
    /// BERT's word features spread over a phoneme sequence, `tokens.count × hidden` (flat,
    /// token-major): every phoneme gets the features of the word it belongs to, as Bert-VITS2
    /// feeds BERT to its phoneme encoder.
    ///
    /// Phoneme words are the runs of tokens between word-boundary symbols; a boundary or
    /// pause takes the features of the word that follows it. When espeak-ng's word count
    /// differs from BERT's (it joins "of the" into one word, reads "3.50" as five), tokens
    /// are spread over BERT's words in proportion to their position instead — a documented
    /// approximation that keeps every phoneme near its word.
    ///
    /// - Parameters:
    ///   - tokens: token ids into `symbols` (the model's symbol table).
    ///   - text: the normalised text the phonemes were made from.
    public func phonemeWordFeatures(tokens: [Int], symbols: [String], text: String) throws -> [Float] {
        let (_, features) = try noGrad { try wordFeatures(text) }
        let words = features.shape[0], hidden = features.shape[1]
        let isSeparator = tokens.map { [PhonemeSymbols.wordBoundary, PhonemeSymbols.pause].contains(symbols[$0]) }
        // Word index of every token, counting boundaries; separators look ahead to the next word.
        var wordOf = [Int](repeating: 0, count: tokens.count)
        var word = -1, inWord = false
        for (i, separator) in isSeparator.enumerated() {
            if separator {
                inWord = false
                wordOf[i] = word + 1
            } else {
                if !inWord { word += 1; inWord = true }
                wordOf[i] = word
            }
        }
        let phonemeWords = word + 1
        if phonemeWords != words {
            wordOf = tokens.indices.map { $0 * words / max(tokens.count, 1) }
        }
        let values = features.scalars
        var out = [Float](repeating: 0, count: tokens.count * hidden)
        for (i, w) in wordOf.enumerated() {
            let source = min(w, words - 1) * hidden
            for h in 0..<hidden { out[i * hidden + h] = values[source + h] }
        }
        return out
    }

    /// Width of the features (the encoder's hidden size).
    public var hiddenSize: Int { model.config.hiddenSize }
}

extension Synthesizer {
    /// Speaks `text` in the voice of a reference log-mel; a model trained with BERT word
    /// features (``ModelConfig/wordFeatureDim``) needs the same encoder here.
    public func synthesize(text: String, referenceMel: LogMel, bert: PretrainedBERT?) throws -> Result {
        let symbols = try symbols(text)
        guard let dim = model.config.wordFeatureDim else {
            return try synthesize(symbols: symbols, referenceMel: referenceMel)
        }
        guard let bert, bert.hiddenSize == dim else {
            throw ModelError("this model was trained with \(dim)-wide BERT word features; give the same encoder folder (funaudio synth --bert DIR)")
        }
        let ids = try tokens(symbols).ids  // unknown symbols left out, as synthesis does
        let known = ids.map { model.config.symbols[$0] }
        let features = try bert.phonemeWordFeatures(tokens: ids, symbols: model.config.symbols,
                                                    text: TextNormalizer().normalize(text))
        return try synthesize(symbols: known, referenceMel: referenceMel, wordFeatures: features)
    }
}
