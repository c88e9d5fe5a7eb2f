import Foundation
import Testing
import Tensor
@testable import Models

@Suite struct BinarizationLossTests {
    @Test func averagesTheNegativeLogSoftAttentionOnTheHardPath() {
        // Utterance 0: 3 frames, 2 phonemes, durations [2, 1]; utterance 1: 2 frames, 1 phoneme
        // (its second phoneme column and third frame are padding).
        let probabilities: [Float] = [0.9, 0.1, 0.6, 0.4, 0.2, 0.8,
                                      1.0, 0.0, 1.0, 0.0, 0.5, 0.5]
        let logSoft = Tensor(probabilities.map { Foundation.log($0) }, shape: [2, 3, 2])
        let loss = binarizationLoss(logSoftAttention: logSoft, durations: [[2, 1], [2]])
        let expected = -(Foundation.log(0.9) + Foundation.log(0.6) + Foundation.log(0.8) + 0 + 0) / 5
        #expect(abs(Double(loss.item()) - expected) < 1e-6)
    }

    @Test func theScheduleSwitchesOnAtItsStepAndRamps() {
        let schedule = BinarizationSchedule(start: 100, ramp: 50, weight: 2)
        #expect([0, 99, 100, 125, 150, 1000].map(schedule.weight(atStep:)) == [0, 0, 0, 1, 2, 2])
        #expect(BinarizationSchedule(start: 10, ramp: 0).weight(atStep: 10) == 1)
    }
}
