import Foundation
import Models
import Tensor
import Testing

/// ``phaseAdvanceLoss(_:_:nFFT:hop:)`` reads how phase moves from frame to frame, not where it
/// starts nor how loud the signal is.
@Suite struct PhaseAdvanceLossTests {
    static func tone(_ cyclesPerSample: Double, count: Int = 1024, phase: Double = 0, restartEvery: Int? = nil) -> [Float] {
        (0..<count).map { n in
            let m = restartEvery.map { n % $0 } ?? n
            return Float(0.5 * cos(2 * Double.pi * cyclesPerSample * Double(m) + phase))
        }
    }

    static func loss(_ p: [Float], _ t: [Float]) -> Float {
        phaseAdvanceLoss(Tensor(p, shape: [1, p.count]), Tensor(t, shape: [1, t.count]), nFFT: 32, hop: 8).item()
    }

    @Test func onlyTheAdvanceCounts() {
        let target = Self.tone(0.11)
        #expect(abs(Self.loss(target, target)) < 1e-4)
        // Another starting phase and another level: the same advance.
        // (Only the edge frames, padded by reflection, see the difference.)
        let shifted = Self.loss(Self.tone(0.11, phase: 2).map { $0 * 0.2 }, target)
        #expect(shifted < 0.02)
        // The same partial restarted every hop (a frame-rate buzz), or at another frequency.
        #expect(Self.loss(Self.tone(0.11, restartEvery: 8), target) > 0.2)
        #expect(Self.loss(Self.tone(0.15), target) > 0.2)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let target = Tensor(Self.tone(0.13, count: 64), shape: [1, 64])
        let predicted = Tensor.randn([1, 64], std: 0.5, seed: 9)
        let result = gradientCheck([predicted]) { inputs in
            phaseAdvanceLoss(inputs[0], target, nFFT: 16, hop: 4)
        }
        #expect(result.passed, "\(result)")
    }
}
