import Foundation
import Tensor
import Text

extension PretrainedBERT {
    /// BERT's word features spread over a phoneme sequence, `tokens.count × hidden` (flat,
    /// token-major), computed once outside any training graph (the frozen encoder): every
    /// phoneme gets the features of the word it belongs to, as Bert-VITS2 feeds BERT to its
    /// phoneme encoder. Which word each token takes is ``BERTWordInput``'s rule.
    ///
    /// - Parameters:
    ///   - tokens: token ids into `symbols` (the model's symbol table).
    ///   - text: the normalised text the phonemes were made from.
    public func phonemeWordFeatures(tokens: [Int], symbols: [String], text: String) throws -> [Float] {
        let input = try wordInput(tokens: tokens, symbols: symbols, text: text)
        let features = try noGrad { try model.wordFeatures(input) }.scalars     // [words, hidden]
        let hidden = hiddenSize
        var out = [Float](repeating: 0, count: tokens.count * hidden)
        for (i, w) in input.tokenWords.enumerated() {
            let source: Int = w * hidden, target: Int = i * hidden
            for h in 0..<hidden { out[target + h] = features[source + h] }
        }
        return out
    }

    /// Width of the features (the encoder's hidden size).
    public var hiddenSize: Int { model.config.hiddenSize }
}

extension Synthesizer {
    /// `text` as the model reads it, and the symbols left out as unknown. A model trained with
    /// BERT word features (``ModelConfig/wordFeatureDim``) needs the encoder's folder here: a
    /// frozen encoder computes the features; a model that fine-tuned its own BERT
    /// (``ModelConfig/bert``) takes only the folder's tokenizer and reads the text with its
    /// fine-tuned weights.
    public func spokenInput(_ text: String, bert: PretrainedBERT?) throws -> (input: SpokenInput, skipped: [String]) {
        let (ids, skipped) = try tokens(symbols(text))  // unknown symbols left out
        guard let dim = model.config.wordFeatureDim else { return (SpokenInput(tokens: ids), skipped) }
        guard let bert, bert.hiddenSize == dim else {
            throw ModelError("this model was trained with \(dim)-wide BERT word features; give the same encoder folder (funaudio synth --bert DIR)")
        }
        let normalized = TextNormalizer().normalize(text)
        if let own = model.config.bert {
            guard bert.model.config == own else {
                throw ModelError("the BERT folder holds another encoder than the one this model fine-tuned; give the folder it was fine-tuned from (its tokenizer is needed)")
            }
            let input = try bert.wordInput(tokens: ids, symbols: model.config.symbols, text: normalized)
            return (SpokenInput(tokens: ids, bertInput: input), skipped)
        }
        let features = try bert.phonemeWordFeatures(tokens: ids, symbols: model.config.symbols, text: normalized)
        return (SpokenInput(tokens: ids, wordFeatures: features), skipped)
    }
}
