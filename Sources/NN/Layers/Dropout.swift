import Tensor

/// Inverted dropout in training mode (each value zeroed with probability `p`, the rest
/// scaled by `1/(1 − p)`), the identity in evaluation mode.
///
/// Masks come from a ``DropoutSource`` the layer shares with the rest of its module tree:
/// the model owns one source, hands it to every dropout it builds, and a checkpoint saves
/// its state, so a resumed run draws the same masks as an uninterrupted one.
public final class Dropout: Module {
    public let probability: Float
    public let source: DropoutSource

    public init(_ probability: Float, source: DropoutSource) {
        nnCheck(probability >= 0 && probability < 1, "Dropout: probability \(probability) must be in [0, 1)")
        self.probability = probability
        self.source = source
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard training && probability > 0 else { return x }
        return x.dropout(probability, generator: &source.generator)
    }
}

/// The one generator every ``Dropout`` of a module tree draws from, in the order they run.
/// Its ``generator`` state is all a checkpoint needs to restore the masks to come.
public final class DropoutSource {
    public var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }
}
