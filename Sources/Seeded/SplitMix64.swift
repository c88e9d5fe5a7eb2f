import Foundation

/// The one seeded random number generator of FunAudio: initialisation, dropout, shuffles,
/// data splits, sweeps and Griffin-Lim phases all draw from SplitMix64.
///
/// SplitMix64 (Steele, Lea & Flood 2014) advances a 64-bit state by the golden-ratio
/// increment `0x9E3779B97F4A7C15` and mixes it:
/// ```
/// z = (state += 0x9E3779B97F4A7C15)
/// z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
/// z = (z ^ (z >> 27)) * 0x94D049BB133111EB
/// return z ^ (z >> 31)
/// ```
/// The same seed gives the same stream on every platform, so runs are reproducible.
/// Uniform floats take the top 24 bits: `u = (next >> 40) * 2⁻²⁴ ∈ [0, 1)`.
/// Normal floats use Box–Muller: `z = √(−2 ln u₁) · cos(2π u₂)` with `u₁ ∈ (0, 1]`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform float in [0, 1).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A standard normal float (Box–Muller, one value per two uniforms).
    public mutating func nextNormal() -> Float {
        let u1 = (Double(next() >> 11) + 1) * 0x1p-53  // (0, 1]
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A number in `0..<bound`: the top 32 bits times `bound`, shifted right by 32 (Lemire's
    /// multiply-shift; the bias is at most bound / 2³², negligible for dataset sizes).
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "next(below:) needs a positive bound, not \(bound)")
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// Fisher–Yates: for i from n−1 down to 1, swap element i with one in 0...i. The standard
    /// library's `shuffle(using:)` is not specified to stay the same across Swift versions.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, next(below: i + 1))
        }
    }
}
