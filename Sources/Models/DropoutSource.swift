import Tensor

/// The one generator every dropout of a model draws from. The trainer saves its state in
/// checkpoints and restores it on resume, so a resumed run draws the same masks as an
/// uninterrupted one (NN's `Dropout` keeps a private generator per layer, which a
/// checkpoint cannot restore; the model therefore turns those off and uses this).
public final class DropoutSource {
    public var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Inverted dropout with probability `p` when `training`, the identity otherwise.
    func callAsFunction(_ x: Tensor, _ p: Float, training: Bool) -> Tensor {
        guard training && p > 0 else { return x }
        return x.dropout(p, generator: &generator)
    }
}
