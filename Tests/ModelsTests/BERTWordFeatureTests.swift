import Foundation
import Testing
import NN
import Tensor
@testable import Models

/// Text in, features out: the tokenizer of the folder and the word-level averages.
@Suite struct BERTWordFeatureTests {
    @Test func theFolderTokenizerGivesTransformersTokenIds() throws {
        let bert = try pretrainedBERT()
        for sentence in try BERTReference.shared.get().sentences {
            let (ids, pieces) = bert.tokenizer.encode(sentence.text)
            #expect(ids == sentence.ids, "\"\(sentence.text)\"")
            #expect(pieces == sentence.tokens)
        }
    }

    @Test func encodingTextMatchesTransformers() throws {
        let bert = try pretrainedBERT()
        let reference = try BERTReference.shared.get()
        let (pieces, hidden) = try bert.encode(reference.sentences[2].text)
        #expect(pieces == reference.sentences[2].tokens)
        #expect(maxAbsoluteError(hidden.scalars, try reference.array("hidden.2").values) <= 1e-4)
    }

    /// The reference averages each whitespace word's pieces, found by character offsets.
    @Test(arguments: 0..<6)
    func wordFeaturesAreTheMeanOfEachWordsPieces(_ index: Int) throws {
        let bert = try pretrainedBERT()
        let reference = try BERTReference.shared.get()
        let sentence = reference.sentences[index]
        let (words, features) = try bert.wordFeatures(sentence.text)
        #expect(words == sentence.words)
        let expected = try reference.array("words.\(index)")
        #expect(features.shape == expected.shape)
        #expect(maxAbsoluteError(features.scalars, expected.values) <= 1e-4, "\"\(sentence.text)\"")
    }

    @Test func textWithoutWordsIsRefused() throws {
        let bert = try pretrainedBERT()
        #expect(throws: BERTError.badInput(reason: "the text has no words")) { try bert.wordFeatures(" \n ") }
    }

    @Test func textLongerThanThePositionTableIsRefused() throws {
        let bert = try pretrainedBERT()
        let error = #expect(throws: BERTError.self) { try bert.encode(String(repeating: "word ", count: 600)) }
        #expect("\(error!)".contains("602 tokens, but the model has 512 positions"))
    }
}
