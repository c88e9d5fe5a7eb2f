import Testing
@testable import Tensor

@Suite("Elementwise arithmetic")
struct ElementwiseTests {
    @Test("broadcasting follows NumPy: [2,3] + [3] adds the row to each row")
    func broadcastValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let b = Tensor([10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor([2, 3], shape: [2, 1])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((Tensor([1, 2], shape: [2, 1]) - Tensor([1, 2, 3], shape: [1, 3])).shape == [2, 3])
    }

    @Test("scalar operators", arguments: [Float(2), -0.5])
    func scalarOps(s: Float) {
        let x = Tensor([1, -2, 4])
        #expect((x + s).scalars == x.scalars.map { $0 + s })
        #expect((s - x).scalars == x.scalars.map { s - $0 })
        #expect((x * s).scalars == x.scalars.map { $0 * s })
        expectClose((s / x).scalars, x.scalars.map { s / $0 })
        expectClose((x / s).scalars, x.scalars.map { $0 / s })
        #expect((-x).scalars == [-1, 2, -4])
    }

    static let shapePairs: [([Int], [Int])] = [
        ([3, 7], [3, 7]), ([3, 7], [7]), ([2, 3, 7], [3, 1]), ([1], [2, 3]),
        ([2, 1, 5], [1, 3, 1]), ([7], []), ([1, 1], [3, 1]),
    ]

    @Test("add, sub, mul, div gradients with broadcasting", arguments: shapePairs)
    func binaryGradients(shapes: ([Int], [Int])) {
        let a = randn(shapes.0, seed: 1), b = awayFromZero(shapes.1, seed: 2)
        expectGradients([a, b]) { $0[0] + $0[1] }
        expectGradients([a, b]) { $0[0] - $0[1] }
        expectGradients([a, b]) { $0[0] * $0[1] }
        expectGradients([a, b]) { $0[0] / $0[1] }
    }

    @Test("scalar op and affine gradients")
    func scalarGradients() {
        let x = awayFromZero([3, 7], seed: 3)
        expectGradients([x]) { 3 - $0[0] * 2 + 1 }
        expectGradients([x]) { 2 / $0[0] }
        expectGradients([x]) { -$0[0] / 4 }
    }

    @Test("large inputs take the parallel path and agree with the serial result")
    func parallelPath() {
        let a = randn([300, 513], seed: 4), b = randn([513], seed: 5)
        let sum = a + b
        let expected = (0..<a.count).map { a.scalars[$0] + b.scalars[$0 % 513] }
        #expect(sum.scalars == expected)
    }

    @Test("expand materialises a broadcast and sums back in backward")
    func expandGradient() {
        #expect(Tensor([1, 2], shape: [2, 1]).expand(to: [2, 3]).scalars == [1, 1, 1, 2, 2, 2])
        expectGradients([randn([3, 1], seed: 6)]) { $0[0].expand(to: [2, 3, 4]) }
    }
}
