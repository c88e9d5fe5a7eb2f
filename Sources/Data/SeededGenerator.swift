/// SplitMix64 (Steele, Lea & Flood 2014), the seeded generator behind every shuffle and
/// split in Data: the same seed gives the same sequence on every run and platform (Swift's
/// `SystemRandomNumberGenerator` cannot be seeded).
///
///     state += 0x9E3779B97F4A7C15
///     z = (state ^ (state >> 30)) * 0xBF58476D1CE4E5B9
///     z = (z ^ (z >> 27)) * 0x94D049BB133111EB
///     return z ^ (z >> 31)
///
/// `shuffle(using:)` of the standard library is not specified to stay the same across Swift
/// versions, so ``shuffle(_:)`` is a plain Fisher–Yates over ``next(below:)``.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`: the top 32 bits times `bound`, shifted right by 32 (Lemire's
    /// multiply-shift; the bias is at most bound / 2³², negligible for dataset sizes).
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Fisher–Yates: for i from n−1 down to 1, swap element i with one in 0...i.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, next(below: i + 1))
        }
    }
}
