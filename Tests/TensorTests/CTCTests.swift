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

    @Test("the scaled recursion equals the log-domain one, and an underflowing forced path falls back to it")
    func scaledEqualsLogDomain() {
        func both(_ y: [Float], classes: Int, frames: Int, target: [Int]) -> (scaled: (Float?, [Float]), log: (Float, [Float])) {
            var scaledGradient = [Float](repeating: 0, count: y.count), logGradient = scaledGradient
            let scaled = y.withUnsafeBufferPointer { p in
                scaledGradient.withUnsafeMutableBufferPointer { g in
                    CTCKernel.scaledSequence(p.baseAddress!, classes: classes, frames: frames, target: target, blank: 0,
                                             gradient: g.baseAddress!)
                }
            }
            let log = y.withUnsafeBufferPointer { p in
                logGradient.withUnsafeMutableBufferPointer { g in
                    CTCKernel.logDomainSequence(p.baseAddress!, classes: classes, frames: frames, target: target, blank: 0,
                                                gradient: g.baseAddress!)
                }
            }
            return ((scaled, scaledGradient), (log, logGradient))
        }
        // 40 frames, 12 phonemes + blank, log-probabilities as the forward-sum gives them.
        let y = randn([40, 13], seed: 7).logSoftmax().scalars
        let random = both(y, classes: 13, frames: 40, target: Array(1...12))
        #expect(abs(random.scaled.0! - random.log.0) <= 1e-4 * abs(random.log.0))
        expectClose(random.scaled.1, random.log.1, tolerance: 1e-5)

        // Three frames for three phonemes: the one path goes through an emission 2000 nats below
        // its frame's best, which underflows when scaled; the log domain still counts it.
        var forced = [Float](repeating: 0, count: 3 * 4)
        forced[1 * 4 + 2] = -2000
        let underflow = both(forced, classes: 4, frames: 3, target: [1, 2, 3])
        #expect(underflow.scaled.0 == nil)
        let y2 = Tensor(forced, shape: [1, 3, 4], requiresGrad: true)
        let loss = y2.ctcLoss(targets: [[1, 2, 3]], inputLengths: [3])
        #expect(loss.scalars == [underflow.log.0] && underflow.log.0 == 2000)
        loss.backward()
        #expect(y2.grad!.scalars == underflow.log.1)
    }
}
