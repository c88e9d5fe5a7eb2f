import Testing
import Tensor
@testable import Models

@Suite struct ForwardSumLossTests {
    private func lengths(_ fixture: AlignmentFixture) throws -> (text: [Int], mel: [Int]) {
        let config = try fixture.section("ctc")
        return (try #require(config["textLengths"] as? [Int]), try #require(config["melLengths"] as? [Int]))
    }

    @Test func ctcMatchesTorchPerUtteranceOnTheBlankPaddedLogSoftmax() throws {
        let fixture = try AlignmentFixture.shared.get()
        let (text, mel) = try lengths(fixture)
        let losses = try fixture.tensor("ctc.blank_padded").ctcLoss(targets: text.map { Array(1...$0) }, inputLengths: mel)
        let expected = try fixture.array("ctc.per_utterance").values
        #expect(expected.last == 0, "the fixture's last utterance is too short for its text")
        #expect(maxAbsoluteError(losses.scalars, expected) <= 1e-4)
    }

    @Test func lossAndGradientMatchFastPitchsCTCLoss() throws {
        let fixture = try AlignmentFixture.shared.get()
        let (text, mel) = try lengths(fixture)
        let x = try fixture.tensor("ctc.input")
        x.requiresGrad = true
        let loss = try forwardSumLoss(x, textLengths: text, melLengths: mel)
        #expect(abs(loss.item() - (try fixture.array("ctc.loss").values[0])) <= 1e-5)
        loss.backward()
        let gradient = try #require(x.grad)
        #expect(maxAbsoluteError(gradient.scalars, try fixture.array("ctc.grad").values) <= 1e-5)
    }

    @Test func gradientMatchesFiniteDifferences() {
        let x = Tensor.randn([3, 6, 4], std: 2, seed: 77)
        let result = gradientCheck([x]) { inputs in
            try! forwardSumLoss(inputs[0], textLengths: [4, 2, 3], melLengths: [6, 5, 3])
        }
        #expect(result.passed, "\(result)")
    }

    @Test func refusesLengthsThatDoNotFitTheScores() {
        let x = Tensor.zeros([2, 4, 3])
        #expect(throws: AlignmentError.lengthsOutOfRange(utterance: 1, textLength: 3, melLength: 5, shape: [2, 4, 3])) {
            try forwardSumLoss(x, textLengths: [2, 3], melLengths: [4, 5])
        }
    }
}
