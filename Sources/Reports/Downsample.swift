/// Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the first and last
/// point and, from each of `threshold - 2` equal buckets in between, the point that makes
/// the largest triangle with the point kept before it and the mean of the next bucket.
///
/// Peaks and the overall shape survive, and every kept point is a real data point, so the
/// values shown in tooltips are exact. Returns the indices of the kept points, ascending.
///
///     area(a, b, c) = |(x_a - x_c)(y_b - y_a) - (x_a - x_b)(y_c - y_a)| / 2
public func largestTriangleThreeBuckets(x: [Double], y: [Double], threshold: Int) -> [Int] {
    precondition(x.count == y.count, "x and y need the same length")
    let n = x.count
    guard threshold >= 3, n > threshold else { return Array(0..<n) }

    var kept = [Int]()
    kept.reserveCapacity(threshold)
    kept.append(0)
    let bucketWidth = Double(n - 2) / Double(threshold - 2)
    var a = 0
    x.withUnsafeBufferPointer { x in
        y.withUnsafeBufferPointer { y in
            for bucket in 0..<(threshold - 2) {
                let start = Int(Double(bucket) * bucketWidth) &+ 1
                let end = min(Int(Double(bucket &+ 1) * bucketWidth) &+ 1, n &- 1)
                // Mean of the next bucket (the last point for the last bucket).
                let nextStart = end
                let nextEnd = min(Int(Double(bucket &+ 2) * bucketWidth) &+ 1, n)
                var meanX = 0.0, meanY = 0.0
                for j in nextStart..<max(nextEnd, nextStart &+ 1) {
                    meanX += x[j]
                    meanY += y[j]
                }
                let count = Double(max(nextEnd - nextStart, 1))
                meanX /= count
                meanY /= count

                let ax = x[a], ay = y[a]
                var best = start, bestArea = -1.0
                for j in start..<end {
                    let area = abs((ax - meanX) * (y[j] - ay) - (ax - x[j]) * (meanY - ay))
                    if area > bestArea {
                        bestArea = area
                        best = j
                    }
                }
                kept.append(best)
                a = best
            }
        }
    }
    kept.append(n - 1)
    return kept
}
