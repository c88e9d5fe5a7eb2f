import Testing
@testable import Tensor

@Suite("Layer norm")
struct NormalizationTests {
    @Test("rows get mean 0 and variance 1, then γ and β apply")
    func values() {
        let x = randn([3, 7], seed: 1, scale: 3) + 5
        let y = x.layerNorm()
        for r in 0..<3 {
            let row = Array(y.scalars[(r * 7)..<(r * 7 + 7)])
            let mean = row.reduce(0, +) / 7
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 7
            #expect(abs(mean) < 1e-5)
            #expect(abs(variance - 1) < 1e-3)
        }
        let gamma = randn([7], seed: 2), beta = randn([7], seed: 3)
        expectClose(x.layerNorm(weight: gamma, bias: beta).scalars, (y * gamma + beta).scalars)
    }

    @Test("gradients", arguments: [[1, 7], [3, 7], [2, 3, 5], [4, 1]])
    func gradients(shape: [Int]) {
        let n = shape.last!
        let x = randn(shape, seed: 4), gamma = randn([n], seed: 5), beta = randn([n], seed: 6)
        expectGradients([x, gamma, beta]) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) }
        expectGradients([x]) { $0[0].layerNorm() }
    }

    @Test("many rows take the parallel path with the same result")
    func parallelRows() {
        let x = randn([600, 64], seed: 7), gamma = randn([64], seed: 8)
        gamma.requiresGrad = true
        let y = x.layerNorm(weight: gamma)
        let one = x.slice(axis: 0, 599..<600).layerNorm(weight: gamma)
        expectClose(Array(y.scalars[(599 * 64)...]), one.scalars)
        (y * y).sum().backward()
        #expect(gamma.grad!.scalars.allSatisfy { $0.isFinite })
    }
}
