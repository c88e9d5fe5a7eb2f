import Foundation
import Testing
import NN
import Tensor
@testable import Models

/// all-MiniLM-L6-v2 against Hugging Face transformers' `BertModel` on the same token ids.
/// Loading the real checkpoint also exercises the I64 buffer (`embeddings.position_ids`)
/// being skipped and the pooler being ignored.
@Suite struct BERTParityTests {
    @Test(arguments: 0..<6)
    func lastHiddenStatesMatchTransformers(_ index: Int) throws {
        let reference = try BERTReference.shared.get()
        let model = try pretrainedBERT().model
        let ids = try reference.array("ids.\(index)").values.map { Int($0) }
        let expected = try reference.array("hidden.\(index)")
        let hidden = try model.hiddenStates(ids)
        #expect(hidden.shape == expected.shape)
        let error = maxAbsoluteError(hidden.scalars, expected.values)
        #expect(error <= 1e-4, "\"\(reference.sentences[index].text)\": max |Δ| = \(error)")
    }

    @Test func aPaddedBatchGivesEachSentenceItsOwnStates() throws {
        let reference = try BERTReference.shared.get()
        let model = try pretrainedBERT().model
        let sentences = [try reference.array("ids.0"), try reference.array("ids.1")].map { $0.values.map { Int($0) } }
        let length = sentences.map(\.count).max()!
        let ids = sentences.flatMap { $0 + Array(repeating: 0, count: length - $0.count) }
        let padding = Tensor(sentences.flatMap { s in (0..<length).map { $0 < s.count ? 0 : 1 } }, shape: [2, length])
        let batch = model(ids, shape: [2, length], paddingMask: padding)       // [2, L, hidden]
        for (b, s) in sentences.enumerated() {
            let rows = batch.split(axis: 0, sizes: [1, 1])[b].reshaped([length, model.config.hiddenSize])
                .split(axis: 0, sizes: [s.count, length - s.count])[0]
            let error = maxAbsoluteError(rows.scalars, try reference.array("hidden.\(b)").values)
            #expect(error <= 1e-4, "sentence \(b) in a batch: max |Δ| = \(error)")
        }
    }

    @Test func loadedWeightsAreFrozenByDefault() throws {
        let model = try pretrainedBERT().model
        #expect(model.parameters().allSatisfy { !$0.requiresGrad })
        #expect(!model.training)
        #expect(model.parameterCount == 22_565_376)   // all-MiniLM-L6-v2 without its pooler
    }
}
