import Foundation
import Testing
@testable import Tensor

@Suite("CTC")
struct CTCTests {
    @Test("the loss sums the paths that collapse to the target; an impossible target counts 0")
    func pathsByHand() {
        // Two classes (0 = blank), every probability ½.
        let half = Tensor.full([3, 3, 2], Foundation.log(0.5))
        let losses = half.ctcLoss(targets: [[1], [1, 1], [1, 1]], inputLengths: [2, 3, 2]).scalars
        // "1" in 2 frames: 11, 01, 10 → ¾.  "11" in 3 frames: only 1 0 1 → ⅛.  "11" in 2: none.
        expectClose(losses, [-Foundation.log(0.75), 3 * Foundation.log(2), 0], tolerance: 1e-6)
    }

    @Test("gradients match finite differences, unnormalised inputs and padded frames included")
    func gradients() {
        let y = randn([2, 5, 4], seed: 41)
        expectGradients([y]) { $0[0].ctcLoss(targets: [[1, 2], [3, 3]], inputLengths: [5, 4]) }
        expectGradients([y]) { $0[0].logSoftmax().ctcLoss(targets: [[2, 1, 3], []], inputLengths: [5, 3]) }
    }
}
