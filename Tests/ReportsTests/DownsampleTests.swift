import Foundation
import Testing
@testable import Reports

@Suite struct DownsampleTests {
    @Test func shortSeriesAreKeptWhole() {
        #expect(minMaxDownsample([3, 1, 2], threshold: 10) == [0, 1, 2])
    }

    @Test func keepsEndpointsAndAtMostTheRequestedCount() {
        let y = (0..<50_000).map { sin(Double($0) / 500) }
        let kept = minMaxDownsample(y, threshold: 2000)
        #expect(kept.count <= 2000 && kept.count >= 1900)
        #expect(kept.first == 0)
        #expect(kept.last == 49_999)
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// A spike and a dip in the same bucket both survive (one point per bucket would keep one).
    @Test func keepsEveryBucketsHighestAndLowest() {
        var y = [Double](repeating: 1, count: 10_000)
        y[4321] = 50
        y[4325] = -50
        let kept = minMaxDownsample(y, threshold: 100)
        #expect(kept.contains(4321) && kept.contains(4325))
        let noisy = (0..<10_000).map { Double(($0 * 7919) % 1000) }
        let keptNoisy = minMaxDownsample(noisy, threshold: 100)
        #expect(keptNoisy.map { noisy[$0] }.max() == noisy.max() && keptNoisy.map { noisy[$0] }.min() == noisy.min())
    }
}
