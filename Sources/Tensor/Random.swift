import Foundation

/// The seeded random number generator behind every random tensor: SplitMix64.
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
}
