/// How the utterances of one global batch are shared out: the batch (the one a single
/// process would draw for the step) is cut into `ranks × perRank` contiguous micro-batches,
/// micro-batch `k` being `[k·n / P, (k+1)·n / P)` for `n` items and `P` parts (sizes differ by
/// at most one), and rank `r` takes micro-batches `r·perRank ..< (r+1)·perRank`. A single
/// process with `perRank = P` computes exactly the micro-batches of all ranks, in rank order.
public enum Sharding {
    /// The `parts` contiguous slices of `0..<count`, in order; each is non-empty when `count ≥ parts`.
    public static func slices(count: Int, parts: Int) -> [Range<Int>] {
        precondition(count >= 0 && parts > 0, "Sharding.slices: \(count) items in \(parts) parts")
        return (0..<parts).map { k in (k * count / parts) ..< ((k + 1) * count / parts) }
    }

    /// The global indices (into ``slices(count:parts:)`` of `ranks · perRank` parts) of the
    /// micro-batches `rank` computes.
    public static func microBatches(rank: Int, ranks: Int, perRank: Int) -> Range<Int> {
        precondition((0..<ranks).contains(rank) && perRank > 0, "Sharding.microBatches: rank \(rank) of \(ranks), \(perRank) each")
        return rank * perRank ..< (rank + 1) * perRank
    }
}
