import Seeded

/// Train/validation splits and length-bucketed batches, reproducible from a seed
/// (``SplitMix64``): the same seed, sizes and lengths give the same batches on every run.
public enum Batching {
    /// Item indices split into training and validation sets.
    public struct Split: Sendable, Equatable {
        public var train: [Int]
        public var validation: [Int]
    }

    /// Shuffles `0..<count` with `seed` and puts the first `round(count × validationFraction)`
    /// (at least 1 when the fraction is positive and there are 2 items or more) in validation.
    /// Both lists are returned sorted.
    public static func split(count: Int, validationFraction: Double, seed: UInt64) -> Split {
        precondition((0..<1).contains(validationFraction), "validationFraction must be in [0, 1)")
        var order = Array(0..<count)
        var generator = SplitMix64(seed: seed)
        generator.shuffle(&order)
        var held = Int((Double(count) * validationFraction).rounded())
        if validationFraction > 0 && count >= 2 { held = max(held, 1) }
        return Split(train: order[held...].sorted(), validation: order[..<held].sorted())
    }

    /// Batches of `indices` in which lengths are close, so little of each batch is padding:
    /// 1. shuffle `indices` with a generator seeded by (`seed`, `epoch`);
    /// 2. sort them stably by `lengths[i] / bucketWidth` (items within a bucket stay in the
    ///    shuffled order);
    /// 3. cut into batches of `batchSize` (the last may be smaller, or dropped with
    ///    `dropLast`);
    /// 4. shuffle the order of the batches.
    public static func bucketedBatches(indices: [Int], lengths: [Int], batchSize: Int,
                                       bucketWidth: Int = 1, seed: UInt64, epoch: Int = 0,
                                       dropLast: Bool = false) -> [[Int]] {
        precondition(batchSize > 0 && bucketWidth > 0)
        var generator = SplitMix64(seed: seed ^ (UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15))
        var order = indices
        generator.shuffle(&order)
        let keyed = order.enumerated().map { (bucket: lengths[$0.element] / bucketWidth, rank: $0.offset, index: $0.element) }
        let sorted = keyed.sorted { ($0.bucket, $0.rank) < ($1.bucket, $1.rank) }.map(\.index)
        var batches = stride(from: 0, to: sorted.count, by: batchSize).map {
            Array(sorted[$0..<min($0 + batchSize, sorted.count)])
        }
        if dropLast, let last = batches.last, last.count < batchSize { batches.removeLast() }
        generator.shuffle(&batches)
        return batches
    }
}

/// Sequences of different lengths in one rectangular block, with a mask.
public struct PaddedBatch<Element: Sendable>: Sendable {
    /// `count × maxLength × width` elements, row-major; padding holds `padValue`.
    public var values: [Element]
    /// Number of sequences.
    public var count: Int
    public var maxLength: Int
    /// Elements per step (1 for token ids, the number of mel bands for frames).
    public var width: Int
    /// The true length of each sequence.
    public var lengths: [Int]
    /// `count × maxLength`: 1 where a step is real, 0 where it is padding.
    public var mask: [Float]

    /// Pads `sequences`, each `length × width` elements flattened, to the longest (or to
    /// `minLength` when longer).
    public init(_ sequences: [[Element]], width: Int = 1, padValue: Element, minLength: Int = 0) {
        precondition(width > 0 && sequences.allSatisfy { $0.count % width == 0 },
                     "each sequence must hold a whole number of steps of \(width) elements")
        count = sequences.count
        self.width = width
        lengths = sequences.map { $0.count / width }
        maxLength = max(minLength, lengths.max() ?? 0)
        values = []
        values.reserveCapacity(count * maxLength * width)
        mask = []
        mask.reserveCapacity(count * maxLength)
        for (sequence, length) in zip(sequences, lengths) {
            values += sequence
            values += repeatElement(padValue, count: (maxLength - length) * width)
            mask += repeatElement(1, count: length)
            mask += repeatElement(0, count: maxLength - length)
        }
    }
}
