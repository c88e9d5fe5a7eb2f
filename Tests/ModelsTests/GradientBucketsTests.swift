import Foundation
import Ranks
import Testing
@testable import Models
import Tensor

@Suite struct GradientBucketsTests {
    /// Whole parameters in order, a bucket closing when the next would overflow it; a
    /// parameter larger than a bucket gets one of its own.
    @Test func parametersFillBucketsInOrder() {
        let buckets = GradientBuckets(counts: [3, 4, 10, 2, 2], capacity: 8)
        #expect(buckets.places.map(\.bucket) == [0, 0, 1, 2, 2])
        #expect(buckets.places.map(\.offset) == [0, 3, 0, 0, 2])
        #expect(buckets.buffers.map(\.count) == [7, 10, 4])
    }

    /// Backward reports each leaf once, when its gradient is complete: after every op that
    /// used it, so the value it sees is the whole gradient.
    @Test func backwardReportsEachLeafOnceItsGradientIsComplete() {
        let w = Tensor([1, 2], shape: [2], requiresGrad: true), v = Tensor([3, 4], shape: [2], requiresGrad: true)
        let loss = ((w * v).sum() + (w * w).sum()) * ((v + 1).sum())
        var seen: [(String, [Float])] = []
        loss.backward(leafDone: { leaf in seen.append((leaf === w ? "w" : "v", leaf.grad?.scalars ?? [])) })
        #expect(seen.count == 2 && Set(seen.map(\.0)) == ["w", "v"])
        for (name, gradient) in seen { #expect(gradient == (name == "w" ? w : v).grad?.scalars) }
    }

    /// Micro-batches add in order (the first copies); a parameter without a gradient in any
    /// micro-batch gets none back, one with a gradient in some gets the sum of those.
    @Test func microBatchesAddInOrder() throws {
        let a = Tensor([1, 2], shape: [2]), b = Tensor([0, 0, 0], shape: [3]), c = Tensor([5], shape: [1])
        var buckets = GradientBuckets(counts: [2, 3, 1], capacity: 4)
        func microBatch(_ gradients: [Tensor?], first: Bool) throws {
            buckets.beginMicroBatch(first: first)
            // In the order backward completes them (last parameters first), some not at all.
            for i in gradients.indices.reversed() where gradients[i] != nil { try buckets.add(i, gradients[i]) }
            try buckets.addRest()
        }
        try microBatch([Tensor([0.5, -0.0], shape: [2]), nil, nil], first: true)
        try microBatch([Tensor([0.25, 1], shape: [2]), nil, Tensor([2], shape: [1])], first: false)
        for (i, p) in [a, b, c].enumerated() { buckets.writeGradient(i, into: p) }
        #expect(a.grad?.scalars == [0.75, 1])
        #expect(b.grad == nil)
        #expect(c.grad?.scalars == [2])
        // A new step starts from nothing: the first micro-batch replaces the sums.
        try microBatch([Tensor([-0.0, 3], shape: [2]), nil, nil], first: true)
        for (i, p) in [a, b, c].enumerated() { buckets.writeGradient(i, into: p) }
        #expect(a.grad!.scalars.map(\.bitPattern) == [Float(-0.0).bitPattern, Float(3).bitPattern])
        #expect(c.grad == nil)
    }

    /// The micro-batches' loss shares add up to the whole batch, and the whole batch is 1 exactly.
    @Test func lossSharesAddUpToTheBatch() {
        let items = SyntheticSpeech.utterances(5)
        let slices = Sharding.slices(count: items.count, parts: 2)
        let shares = slices.map { LossShare(Array(items[$0]), of: items) }
        #expect(abs(shares.map(\.frames).reduce(0, +) - 1) < 1e-6)
        #expect(abs(shares.map(\.tokens).reduce(0, +) - 1) < 1e-6)
        #expect(shares.map(\.utterances) == [0.4, 0.6])
        let whole = LossShare(items, of: items)
        #expect(whole.frames == 1 && whole.tokens == 1 && whole.utterances == 1)
    }
}
