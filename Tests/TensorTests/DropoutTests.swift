import Testing
@testable import Tensor

@Suite("Dropout")
struct DropoutTests {
    @Test("keeps about 1-p of the values, scaled by 1/(1-p); same seed, same mask")
    func statistics() {
        let x = Tensor.ones([10_000])
        var g1 = SplitMix64(seed: 7), g2 = SplitMix64(seed: 7)
        let y = x.dropout(0.3, generator: &g1)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(abs(Float(kept.count) / 10_000 - 0.7) < 0.02)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        #expect(x.dropout(0.3, generator: &g2).scalars == y.scalars)
        #expect(abs(y.mean().item() - 1) < 0.03)
    }

    @Test("gradient uses the same mask")
    func gradient() {
        expectGradients([randn([3, 7], seed: 1)]) { xs in
            var g = SplitMix64(seed: 3)
            return xs[0].dropout(0.5, generator: &g)
        }
    }
}
