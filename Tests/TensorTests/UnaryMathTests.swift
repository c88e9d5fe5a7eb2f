import Foundation
import Testing
@testable import Tensor

@Suite("Elementwise maths and activations")
struct UnaryMathTests {
    let x = Tensor((0..<41).map { Float($0) * 0.25 - 5 })

    @Test("forward values match Foundation")
    func values() {
        let v = x.scalars
        expectClose(x.exp().scalars, v.map { Foundation.exp($0) }, tolerance: 1e-6)
        expectClose(x.tanh().scalars, v.map { Foundation.tanh($0) }, tolerance: 1e-6)
        expectClose(x.sigmoid().scalars, v.map { 1 / (1 + Foundation.exp(-$0)) }, tolerance: 1e-6)
        expectClose(x.relu().scalars, v.map { max($0, 0) })
        #expect(x.abs().scalars == v.map { Swift.abs($0) })
        expectClose(x.gelu().scalars, v.map { 0.5 * $0 * (1 + erf($0 / 2.0.squareRoot().float)) })
        expectClose(x.geluTanh().scalars, v.map {
            0.5 * $0 * (1 + Foundation.tanh(0.7978845608 * ($0 + 0.044715 * $0 * $0 * $0))) }, tolerance: 1e-6)
        let p = x.abs() + 0.5
        expectClose(p.log().scalars, p.scalars.map { Foundation.log($0) })
        expectClose(p.sqrt().scalars, p.scalars.map { $0.squareRoot() })
        expectClose(p.pow(1.5).scalars, p.scalars.map { Foundation.pow($0, 1.5) })
    }

    @Test("exp stays finite and accurate at the ends of its range")
    func expRange() {
        let e = Tensor([-100, -80, 0, 80, 88, 200]).exp().scalars
        #expect(e.allSatisfy { $0.isFinite })
        expectClose([e[1], e[3]], [Foundation.exp(-80), Foundation.exp(80)], tolerance: 1e-6)
        #expect(e[2] == 1)
    }

    @Test("clamped(min:) keeps values at or above the floor; its gradient passes there only")
    func clamp() {
        let x = Tensor([-2, 0.5, 1e-9, 3])
        #expect(x.clamped(min: 1e-7).scalars == [1e-7, 0.5, 1e-7, 3])
        expectGradients([awayFromZero([2, 5], seed: 4)]) { $0[0].clamped(min: 0.1) }
    }

    @Test("gatedTanh is tanh of the first half times σ of the second, along any axis", arguments: [1, 2, -1])
    func gated(axis: Int) {
        let x = randn([2, 4, 6], seed: 12)
        let halves = x.split(axis: axis, sizes: [x.shape[axis < 0 ? 3 + axis : axis] / 2, x.shape[axis < 0 ? 3 + axis : axis] / 2])
        expectClose(x.gatedTanh(axis: axis).scalars, (halves[0].tanh() * halves[1].sigmoid()).scalars, tolerance: 1e-6)
        expectGradients([randn([2, 4, 6], seed: 13)]) { $0[0].gatedTanh(axis: axis) }
    }

    @Test("leakyRelu keeps positives and scales negatives by the slope")
    func leaky() {
        #expect(Tensor([-2, -0.5, 0, 3]).leakyRelu(0.1).scalars == [-0.2, -0.05, 0, 3])
        #expect(Tensor([-2, 3]).leakyRelu(0).scalars == Tensor([-2, 3]).relu().scalars)
    }

    @Test("gradients", arguments: [[1], [3, 7], [2, 1, 5]])
    func gradients(shape: [Int]) {
        let x = awayFromZero(shape, seed: 11)
        expectGradients([x]) { $0[0].exp() }
        expectGradients([x]) { $0[0].tanh() }
        expectGradients([x]) { $0[0].sigmoid() }
        expectGradients([x]) { $0[0].relu() }
        expectGradients([x]) { $0[0].leakyRelu(0.1) }
        expectGradients([x]) { $0[0].gelu() }
        expectGradients([x]) { $0[0].geluTanh() }
        expectGradients([x]) { ($0[0] * $0[0] + 0.5).log() }
        expectGradients([x]) { ($0[0] * $0[0] + 0.5).sqrt() }
        expectGradients([x]) { ($0[0] * $0[0] + 0.5).pow(-1.5) }
        expectGradients([x]) { $0[0].pow(3) }
        expectGradients([x]) { $0[0].abs() }
    }
}

extension Double { var float: Float { Float(self) } }
