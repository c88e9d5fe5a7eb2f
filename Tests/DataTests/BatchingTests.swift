@testable import Data
import Seeded
import Testing

@Test func seededGeneratorIsReproducible() {
    var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
    let first = (0..<5).map { _ in a.next() }
    #expect(first == (0..<5).map { _ in b.next() })
    #expect(first != (0..<5).map { _ in c.next() })
    // SplitMix64's published first output for seed 0.
    var zero = SplitMix64(seed: 0)
    #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
}

@Test func splitIsDisjointCompleteAndSeeded() {
    let split = Batching.split(count: 100, validationFraction: 0.1, seed: 7)
    #expect(split.validation.count == 10)
    #expect(Set(split.train).isDisjoint(with: split.validation))
    #expect((split.train + split.validation).sorted() == Array(0..<100))
    #expect(split == Batching.split(count: 100, validationFraction: 0.1, seed: 7))
    #expect(split != Batching.split(count: 100, validationFraction: 0.1, seed: 8))
    #expect(Batching.split(count: 3, validationFraction: 0.01, seed: 1).validation.count == 1)
}

@Test func bucketedBatchesGroupSimilarLengthsAndRepeatWithTheSeed() {
    var generator = SplitMix64(seed: 3)
    let lengths = (0..<64).map { _ in 10 + generator.next(below: 90) }
    let batches = Batching.bucketedBatches(indices: Array(0..<64), lengths: lengths, batchSize: 8,
                                           bucketWidth: 10, seed: 11)
    #expect(batches.count == 8)
    #expect(batches.joined().sorted() == Array(0..<64))
    // Sorted by bucket before cutting: each batch spans few buckets.
    let padding = batches.map { batch in batch.map { lengths.max()! - lengths[$0] }.reduce(0, +) }
    let sortedSpread = batches.map { b in b.map { lengths[$0] }.max()! - b.map { lengths[$0] }.min()! }
    #expect(sortedSpread.max()! < 30, "\(sortedSpread)")
    #expect(padding.count == 8)
    #expect(batches == Batching.bucketedBatches(indices: Array(0..<64), lengths: lengths, batchSize: 8,
                                                bucketWidth: 10, seed: 11))
    #expect(batches != Batching.bucketedBatches(indices: Array(0..<64), lengths: lengths, batchSize: 8,
                                                bucketWidth: 10, seed: 11, epoch: 1))
    let dropped = Batching.bucketedBatches(indices: Array(0..<10), lengths: lengths, batchSize: 4,
                                           seed: 1, dropLast: true)
    #expect(dropped.count == 2 && dropped.allSatisfy { $0.count == 4 })
}

@Test func paddingFillsToTheLongestAndMasksThePadding() {
    let batch = PaddedBatch([[1, 2, 3], [4]], padValue: 0)
    #expect(batch.maxLength == 3)
    #expect(batch.values == [1, 2, 3, 4, 0, 0])
    #expect(batch.lengths == [3, 1])
    #expect(batch.mask == [1, 1, 1, 1, 0, 0])
    let frames = PaddedBatch([[1, 1, 2, 2], [3, 3]] as [[Float]], width: 2, padValue: -9)
    #expect(frames.values == [1, 1, 2, 2, 3, 3, -9, -9])
    #expect(frames.mask == [1, 1, 1, 0])
}
