import Testing
@testable import Tensor

/// Reference product by the definition, for `[m, k] · [k, n]`.
func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } } }
    return c
}

@Suite("Matrix products")
struct MatMulTests {
    @Test("2-D product against the definition, all transpose flags",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func transposes(flags: (Bool, Bool)) {
        let (m, k, n) = (3, 7, 5)
        let a = randn([m, k], seed: 1), b = randn([k, n], seed: 2)
        let aArg = flags.0 ? a.transposed().copy() : a, bArg = flags.1 ? b.transposed().copy() : b
        let c = matmul(aArg, bArg, transposeA: flags.0, transposeB: flags.1)
        expectClose(c.scalars, naiveMatmul(a.scalars, b.scalars, m: m, k: k, n: n))
        expectGradients([aArg, bArg]) { matmul($0[0], $0[1], transposeA: flags.0, transposeB: flags.1) }
    }

    @Test("batched and broadcast products")
    func batched() {
        let a = randn([2, 3, 4], seed: 3), b = randn([2, 4, 5], seed: 4)
        let c = matmul(a, b)
        #expect(c.shape == [2, 3, 5])
        expectClose(Array(c.scalars[15...]), naiveMatmul(Array(a.scalars[12...]), Array(b.scalars[20...]), m: 3, k: 4, n: 5))
        expectGradients([a, b]) { matmul($0[0], $0[1]) }
        expectGradients([randn([2, 4, 3], seed: 5), b]) { matmul($0[0], $0[1], transposeA: true) }
        expectGradients([a, randn([2, 5, 4], seed: 6)]) { matmul($0[0], $0[1], transposeB: true) }
        // One operand 2-D: shared by every batch item (both the row-stack and the loop path).
        expectGradients([randn([2, 3, 4], seed: 7), randn([4, 1], seed: 8)]) { matmul($0[0], $0[1]) }
        expectGradients([randn([2, 4, 3], seed: 7), randn([4, 1], seed: 8)]) { matmul($0[0], $0[1], transposeA: true) }
        expectGradients([randn([3, 4], seed: 9), randn([2, 4, 5], seed: 10)]) { matmul($0[0], $0[1]) }
    }

    @Test("many small products split over threads give the per-item results")
    func parallelBatch() {
        let a = randn([4, 64, 64], seed: 14), b = randn([4, 64, 64], seed: 15)
        let c = matmul(a, b, transposeB: true)
        for i in [0, 3] {
            let item = matmul(a.slice(axis: 0, i..<(i + 1)).reshaped([64, 64]),
                              b.slice(axis: 0, i..<(i + 1)).reshaped([64, 64]), transposeB: true)
            expectClose(Array(c.scalars[(i * 4096)..<((i + 1) * 4096)]), item.scalars)
        }
    }

    @Test("linear equals x·Wᵀ + b")
    func linearLayer() {
        let x = randn([2, 3, 7], seed: 11), w = randn([5, 7], seed: 12), b = randn([5], seed: 13)
        expectClose(linear(x, weight: w, bias: b).scalars, (matmul(x, w, transposeB: true) + b).scalars)
        expectGradients([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        expectGradients([x, w]) { linear($0[0], weight: $0[1]) }
    }
}
