import Foundation
import Testing
@testable import Reports

@Suite struct DownsampleTests {
    @Test func shortSeriesAreKeptWhole() {
        #expect(largestTriangleThreeBuckets(x: [0, 1, 2], y: [3, 1, 2], threshold: 10) == [0, 1, 2])
    }

    @Test func keepsEndpointsAndTheRequestedCount() {
        let x = (0..<50_000).map(Double.init)
        let y = x.map { sin($0 / 500) }
        let kept = largestTriangleThreeBuckets(x: x, y: y, threshold: 2000)
        #expect(kept.count == 2000)
        #expect(kept.first == 0)
        #expect(kept.last == 49_999)
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func keepsASpikeThatAveragingWouldHide() {
        var y = [Double](repeating: 1, count: 10_000)
        y[4321] = 50
        let kept = largestTriangleThreeBuckets(x: (0..<10_000).map(Double.init), y: y, threshold: 100)
        #expect(kept.contains(4321))
    }
}
