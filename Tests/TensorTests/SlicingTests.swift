import Testing
@testable import Tensor

@Suite("Concat, slice, split")
struct SlicingTests {
    @Test("concat along the middle axis, then split it back")
    func roundTrip() {
        let a = Tensor((0..<6).map(Float.init), shape: [2, 1, 3])
        let b = Tensor((6..<18).map(Float.init), shape: [2, 2, 3])
        let c = Tensor.concat([a, b], axis: 1)
        #expect(c.shape == [2, 3, 3])
        #expect(c.scalars[0..<9] == [0, 1, 2, 6, 7, 8, 9, 10, 11])
        let parts = c.split(axis: 1, sizes: [1, 2])
        #expect(parts[0].scalars == a.scalars)
        #expect(parts[1].scalars == b.scalars)
        #expect(c.slice(axis: -1, 1..<2).scalars == [1, 7, 10, 4, 13, 16])
    }

    @Test("gradients")
    func gradients() {
        let a = randn([2, 1, 3], seed: 1), b = randn([2, 3, 3], seed: 2)
        expectGradients([a, b]) { Tensor.concat($0, axis: 1) }
        expectGradients([a, randn([2, 1, 7], seed: 3)]) { Tensor.concat($0, axis: -1) }
        expectGradients([b]) { $0[0].slice(axis: 1, 1..<3) }
        expectGradients([b]) { xs in
            let p = xs[0].split(axis: 2, sizes: [2, 1])
            return p[0] * 2 + p[1]
        }
    }
}
