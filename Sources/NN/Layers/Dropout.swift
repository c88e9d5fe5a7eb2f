import Tensor

/// Inverted dropout in training mode (each value zeroed with probability `p`, the rest
/// scaled by `1/(1 − p)`), the identity in evaluation mode. Draws its masks from its own
/// seeded generator, so a run is reproducible.
public final class Dropout: Module {
    public let probability: Float
    private var generator: SplitMix64

    public init(_ probability: Float, seed: UInt64 = 0) {
        nnCheck(probability >= 0 && probability < 1, "Dropout: probability \(probability) must be in [0, 1)")
        self.probability = probability
        generator = SplitMix64(seed: seed)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard training && probability > 0 else { return x }
        return x.dropout(probability, generator: &generator)
    }
}
