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

    /// Micro-batches add in order (the first copies); a parameter without a gradient in any
    /// micro-batch gets none back, one with a gradient in some gets the sum of those.
    @Test func microBatchesAddInOrder() {
        let a = Tensor([1, 2], shape: [2]), b = Tensor([0, 0, 0], shape: [3]), c = Tensor([5], shape: [1])
        var buckets = GradientBuckets(counts: [2, 3, 1], capacity: 4)
        buckets.add([Tensor([0.5, -0.0], shape: [2]), nil, nil], first: true)
        buckets.add([Tensor([0.25, 1], shape: [2]), nil, Tensor([2], shape: [1])], first: false)
        for (i, p) in [a, b, c].enumerated() { buckets.writeGradient(i, into: p) }
        #expect(a.grad?.scalars == [0.75, 1])
        #expect(b.grad == nil)
        #expect(c.grad?.scalars == [2])
        // A new step starts from nothing: the first micro-batch replaces the sums.
        buckets.add([Tensor([-0.0, 3], shape: [2]), nil, nil], first: true)
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
