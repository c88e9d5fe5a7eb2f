import Testing
import NN
import Tensor
@testable import Models

@Suite struct AlignmentEncoderTests {
    /// Values of `[B, T, N]` `x` inside each utterance's lengths.
    private func valid(_ x: Tensor, text: [Int], mel: [Int]) -> [Float] {
        let (frames, phonemes) = (x.shape[1], x.shape[2])
        let values = x.scalars
        return zip(text, mel).enumerated().flatMap { b, lengths in
            (0..<lengths.1).flatMap { t in (0..<lengths.0).map { values[(b * frames + t) * phonemes + $0] } }
        }
    }

    @Test func forwardAndForwardSumGradientsMatchPyTorchsConvAttention() throws {
        let fixture = try AlignmentFixture.shared.get()
        let config = try fixture.section("encoder")
        let text = try #require(config["textLengths"] as? [Int]), mel = try #require(config["melLengths"] as? [Int])
        var generator = SplitMix64(seed: 1)
        let encoder = AlignmentEncoder(textChannels: try #require(config["textChannels"] as? Int),
                                       melChannels: try #require(config["melChannels"] as? Int),
                                       attentionChannels: try #require(config["attentionChannels"] as? Int),
                                       temperature: Float(try #require(config["temperature"] as? Double)),
                                       generator: &generator)
        let weights = fixture.arrays.compactMap { key, value in
            key.hasPrefix("encoder.param.") ? (String(key.dropFirst("encoder.param.".count)), value) : nil
        }
        try encoder.load(stateDict: Dictionary(uniqueKeysWithValues: weights))
        let (logProbabilities, logSoft) = encoder(text: try fixture.tensor("encoder.text"),
                                                  mels: try fixture.tensor("encoder.mels"), textLengths: text,
                                                  logPrior: try fixture.tensor("encoder.log_prior"),
                                                  priorWeight: Float(try #require(config["priorWeight"] as? Double)))
        let expected = try fixture.tensor("encoder.log_probabilities")
        #expect(maxAbsoluteError(valid(logProbabilities, text: text, mel: mel), valid(expected, text: text, mel: mel)) <= 1e-4)
        let soft = try fixture.tensor("encoder.soft_attention")
        #expect(maxAbsoluteError(valid(logSoft.exp(), text: text, mel: mel), valid(soft, text: text, mel: mel)) <= 1e-5)
        #expect(logSoft.exp().scalars[(1 * 9 + 0) * 4 + 3] < 1e-30, "utterance 1's padded phoneme gets no attention")

        let loss = try forwardSumLoss(logProbabilities, textLengths: text, melLengths: mel)
        #expect(abs(loss.item() - (try fixture.array("encoder.forward_sum").values[0])) <= 1e-5)
        loss.backward()
        for (name, parameter) in encoder.namedParameters() {
            let expected = try fixture.array("encoder.grad.\(name)")
            let gradient = try #require(parameter.grad, "\(name) got no gradient")
            let scale = max(expected.values.map(abs).max() ?? 0, 1e-3)
            #expect(maxAbsoluteError(gradient.scalars, expected.values) <= 1e-3 * scale, "\(name)")
        }
    }

    @Test func parameterGradientsMatchFiniteDifferences() {
        var generator = SplitMix64(seed: 5)
        let encoder = AlignmentEncoder(textChannels: 3, melChannels: 2, attentionChannels: 2, temperature: 0.5,
                                       generator: &generator)
        let text = Tensor.randn([2, 3, 3], seed: 6), mels = Tensor.randn([2, 4, 2], seed: 7)
        let prior = BetaBinomialPrior.batch(textLengths: [3, 3], melLengths: [4, 4], maxText: 3, maxMel: 4)
        // A step of 1e-2 crosses a relu kink at two weights here; 3e-3 does not.
        let result = gradientCheck(encoder.parameters(), epsilon: 3e-3) { _ in
            encoder(text: text, mels: mels, textLengths: [3, 3], logPrior: prior).logSoftAttention
        }
        #expect(result.passed, "\(result)")
    }
}
