import Testing
@testable import Tensor

@Suite("Reductions")
struct ReductionTests {
    let x = Tensor((1...24).map(Float.init), shape: [2, 3, 4])

    @Test("sum and mean over axes")
    func values() {
        #expect(x.sum().item() == 300)
        #expect(x.sum(axes: [0]).scalars == (13...24).map { Float(2 * $0 - 12) })
        #expect(x.sum(axes: [1, 2]).scalars == [78, 222])
        #expect(x.sum(axes: [0, 2], keepDims: true).shape == [1, 3, 1])
        #expect(x.sum(axes: [0, 2]).scalars == [68, 100, 132])
        #expect(x.mean(axes: [-1]).scalars == [2.5, 6.5, 10.5, 14.5, 18.5, 22.5])
        #expect(x.mean().item() == 12.5)
    }

    @Test("max along an axis")
    func maxValues() {
        #expect(x.max(axis: 1).scalars == [9, 10, 11, 12, 21, 22, 23, 24])
        #expect(x.max(axis: -1, keepDims: true).shape == [2, 3, 1])
        #expect(x.max(axes: [0, 2]).scalars == [16, 20, 24])
        #expect(x.max(axes: [1, 2], keepDims: true).shape == [2, 1, 1])
    }

    @Test("gradients", arguments: [[7], [3, 7], [2, 3, 5], [1, 1, 3]])
    func gradients(shape: [Int]) {
        let t = awayFromZero(shape, seed: 21)
        expectGradients([t]) { $0[0].sum() }
        expectGradients([t]) { $0[0].mean() }
        for axis in 0..<shape.count {
            expectGradients([t]) { $0[0].sum(axes: [axis]) }
            expectGradients([t]) { $0[0].mean(axes: [axis], keepDims: true) }
            expectGradients([t]) { $0[0].max(axis: axis) }
        }
        if shape.count == 3 {
            expectGradients([t]) { $0[0].sum(axes: [0, 2]) }
            expectGradients([t]) { $0[0].max(axes: [0, 2]) }
        }
    }
}
