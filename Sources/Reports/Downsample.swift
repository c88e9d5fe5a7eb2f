/// Min/max downsampling: keeps the first and last point and, from each of
/// `(threshold - 2) / 2` buckets of consecutive points, the lowest and the highest.
///
/// Why not every n-th point, or LTTB's one point per bucket: a reader of a training curve
/// looks for spikes and dips, and a bucket's both extremes are exactly those; drawn in order
/// they trace the band the curve sweeps at that pixel (M4, Jugel et al. 2014, without first
/// and last per bucket). It is also what runs.db keeps of long curves (`metric_buckets`), so a
/// curve looks the same however it was read. Every kept point is a real data point, so values
/// in tooltips are exact. Returns the indices of the kept points, ascending.
public func minMaxDownsample(_ y: [Double], threshold: Int) -> [Int] {
    let n = y.count
    guard threshold >= 4, n > threshold else { return Array(0..<n) }
    let buckets = (threshold - 2) / 2
    var kept = [0]
    kept.reserveCapacity(threshold)
    for bucket in 0..<buckets {
        let range = (1 + bucket * (n - 2) / buckets)..<(1 + (bucket + 1) * (n - 2) / buckets)
        guard var low = range.first else { continue }
        var high = low
        for i in range {
            if y[i] < y[low] { low = i }
            if y[i] > y[high] { high = i }
        }
        kept += low == high ? [low] : [min(low, high), max(low, high)]
    }
    kept.append(n - 1)
    return kept
}
