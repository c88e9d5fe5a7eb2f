import Foundation
import Testing
import Tensor
@testable import Models

@Suite struct BetaBinomialPriorTests {
    @Test func logProbabilitiesMatchScipyBetabinom() throws {
        let fixture = try AlignmentFixture.shared.get()
        let sizes = try #require(fixture.config["prior"] as? [[Int]])
        #expect(sizes.count >= 5)
        for size in sizes {
            let (n, t) = (size[0], size[1])
            let expected = try fixture.array("prior.\(n).\(t)")
            #expect(expected.shape == [t, n])
            let prior = BetaBinomialPrior.logProbabilities(textLength: n, melLength: t, floor: 0)
            let error = maxAbsoluteError(prior, expected.values)
            #expect(error <= 1e-4, "N \(n), T \(t): max |Δ log p| = \(error)")
        }
    }

    @Test func theFloorBoundsTheLogFromBelowLikeFastPitch() {
        let exact = BetaBinomialPrior.logProbabilities(textLength: 12, melLength: 40, floor: 0)
        let floored = BetaBinomialPrior.logProbabilities(textLength: 12, melLength: 40)
        #expect(exact.min()! < -25)
        #expect(floored.min()! >= Float(Foundation.log(1e-8)) - 1e-4)
        let expected = exact.map { Float(Foundation.log(Foundation.exp(Double($0)) + 1e-8)) }
        #expect(maxAbsoluteError(floored, expected) <= 1e-4)
    }

    @Test func aBatchHoldsEachUtterancesPriorAndZerosInThePadding() {
        let batch = BetaBinomialPrior.batch(textLengths: [3, 2], melLengths: [4, 5], maxText: 3, maxMel: 5)
        #expect(batch.shape == [2, 5, 3])
        let values = batch.scalars
        let first = BetaBinomialPrior.logProbabilities(textLength: 3, melLength: 4)
        let second = BetaBinomialPrior.logProbabilities(textLength: 2, melLength: 5)
        #expect(Array(values[0..<12]) == first)
        #expect(Array(values[12..<15]) == [0, 0, 0])
        for t in 0..<5 {
            #expect(Array(values[15 + 3 * t..<15 + 3 * t + 2]) == Array(second[2 * t..<2 * t + 2]))
            #expect(values[15 + 3 * t + 2] == 0)
        }
    }

    /// A stored prior comes back as made; past its capacity the cache makes but keeps nothing.
    @Test func theCacheKeepsPriorsUpToItsCapacity() {
        let cache = PriorCache(capacity: 20)
        var made = 0
        func prior(_ n: Int, _ t: Int) -> [Float] {
            cache.prior(PriorCache.Key(textLength: n, melLength: t, scaling: 1, floor: 1e-8)) {
                made += 1
                return BetaBinomialPrior.logProbabilities(textLength: n, melLength: t)
            }
        }
        #expect(prior(3, 4) == BetaBinomialPrior.logProbabilities(textLength: 3, melLength: 4))
        #expect(prior(3, 4) == BetaBinomialPrior.logProbabilities(textLength: 3, melLength: 4))
        #expect(made == 1)
        _ = prior(3, 5)   // 15 more floats: past the 20
        _ = prior(3, 5)
        #expect(made == 3)
    }
}
