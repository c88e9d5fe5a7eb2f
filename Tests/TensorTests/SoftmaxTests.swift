import Foundation
import Testing
@testable import Tensor

@Suite("Softmax")
struct SoftmaxTests {
    @Test("rows sum to one and match the definition; large inputs do not overflow")
    func values() {
        let x = Tensor([1, 2, 3, 1000, 1001, 1002], shape: [2, 3])
        let y = x.softmax()
        let e = [1, 2, 3].map { Foundation.exp(Float($0)) }
        let expected = e.map { $0 / e.reduce(0, +) }
        expectClose(Array(y.scalars[0..<3]), expected, tolerance: 1e-6)
        expectClose(Array(y.scalars[3..<6]), expected, tolerance: 1e-6)
        expectClose(x.logSoftmax().scalars, y.scalars.map { Foundation.log($0) }, tolerance: 1e-5)
    }

    @Test("masked positions get zero weight")
    func masked() {
        let scores = Tensor([1, 2, 3, 4], shape: [1, 4])
        let mask = Tensor([0, 0, 1, 1], shape: [1, 4])
        let y = scores.maskedFill(mask, -.infinity).softmax()
        #expect(y.scalars[2] < 1e-30 && y.scalars[3] < 1e-30)
        expectClose(Array(y.scalars[0..<2]), [0.268_941_4, 0.731_058_6], tolerance: 1e-6)
    }

    @Test("gradients over every axis", arguments: [[7], [3, 7], [2, 3, 5]])
    func gradients(shape: [Int]) {
        let x = randn(shape, seed: 31)
        for axis in 0..<shape.count {
            expectGradients([x]) { $0[0].softmax(axis: axis) }
            expectGradients([x]) { $0[0].logSoftmax(axis: axis) }
        }
    }
}
