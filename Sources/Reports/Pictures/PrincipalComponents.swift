/// Principal component analysis by power iteration, for drawing high-dimensional points
/// (voice embeddings) on a page.
///
/// With the points' mean μ and covariance `C = (1/(n−1)) Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ`, the k-th
/// component is the eigenvector of the k-th largest eigenvalue: found by iterating
/// `v ← C v / ‖C v‖` from a fixed start, then deflating `C ← C − λ v vᵀ` before the next.
/// Each vector's sign is fixed so that its largest-magnitude entry is positive (numpy's
/// `eigh` leaves it arbitrary), and a point's coordinates are `(x − μ)·v_k`.
public struct PrincipalComponents: Sendable, Equatable {
    public let mean: [Double]
    /// Unit vectors, largest variance first.
    public let components: [[Double]]
    /// The variance along each component (the eigenvalues).
    public let variances: [Double]

    /// The first `count` components of `points` (each of the same dimension; at least two).
    public init(_ points: [[Float]], count: Int = 2, iterations: Int = 500) throws {
        let d = points.first?.count ?? 0
        try ReportError.requirePicture(points.count >= 2 && d >= 1 && points.allSatisfy { $0.count == d },
                                       "PCA needs at least two points of one non-zero dimension, got \(points.count) points")
        try ReportError.requirePicture(count >= 1 && count <= d, "PCA of \(d)-dimensional points cannot have \(count) components")
        let n = Double(points.count)
        var mean = [Double](repeating: 0, count: d)
        for p in points { for k in 0..<d { mean[k] += Double(p[k]) / n } }
        var covariance = [Double](repeating: 0, count: d * d)
        for p in points {
            let x = (0..<d).map { Double(p[$0]) - mean[$0] }
            for r in 0..<d { for c in 0..<d { covariance[r * d + c] += x[r] * x[c] / (n - 1) } }
        }
        var components: [[Double]] = [], variances: [Double] = []
        for _ in 0..<count {
            // A start with a component along every axis, so no eigenvector is orthogonal to it by accident.
            var v = (0..<d).map { 1 + 0.1 * Double($0 % 7) }
            var lambda = 0.0
            for _ in 0..<iterations {
                var w = [Double](repeating: 0, count: d)
                for r in 0..<d { for c in 0..<d { w[r] += covariance[r * d + c] * v[c] } }
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-300 else { break }      // nothing left to explain
                lambda = norm
                let next = w.map { $0 / norm }
                let change = zip(next, v).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                v = next
                if change < 1e-24 { break }
            }
            let v0 = v.map { $0 / max(1e-300, v.reduce(0) { $0 + $1 * $1 }.squareRoot()) }
            let largest = v0.indices.max { abs(v0[$0]) < abs(v0[$1]) }!
            let signed = v0[largest] < 0 ? v0.map { -$0 } : v0
            for r in 0..<d { for c in 0..<d { covariance[r * d + c] -= lambda * signed[r] * signed[c] } }
            components.append(signed)
            variances.append(lambda)
        }
        self.mean = mean
        self.components = components
        self.variances = variances
    }

    /// The coordinates of `point` along each component.
    public func project(_ point: [Float]) -> [Double] {
        components.map { v in v.indices.reduce(0) { $0 + (Double(point[$1]) - mean[$1]) * v[$1] } }
    }
}
