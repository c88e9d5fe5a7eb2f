import Audio
import Foundation
import Models
import NN
import Testing
import Tensor

@Suite struct VocosTrainingTests {
    /// A tiny vocoder learns one short signal from its log-mel: a few dozen Adam steps on the
    /// multi-resolution STFT loss (resolutions scaled to the signal) must cut the loss well.
    @Test func aFewAdamStepsOnOneSignalsMelCutTheSTFTLoss() throws {
        let (sampleRate, hop, length) = (8000, 16, 1008)
        let signal = (0..<length).map { i -> Float in
            let t = Float(i) / Float(sampleRate)
            return 0.5 * sin(2 * .pi * 440 * t) + 0.25 * sin(2 * .pi * 1250 * t) * (1 - Float(i) / Float(length))
        }
        let analysis = try MelSpectrogram(sampleRate: sampleRate, nFFT: 64, hopLength: hop, nMels: 16)
        let logMel = try analysis(signal).logClamped()
        let mel = Tensor(logMel.framesMajor(), shape: [1, logMel.frames, logMel.rows])
        let target = Tensor(signal, shape: [1, length])

        var generator = SplitMix64(seed: 5)
        let vocoder = try VocosVocoder(config: VocosConfig(nMels: 16, dim: 32, intermediate: 64, layers: 2, nFFT: 64, hop: hop),
                                       generator: &generator)
        let optimizer = Adam(vocoder.namedParameters(), learningRate: 3e-3)
        let resolutions = [STFTResolution(nFFT: 64, hop: 8, winLength: 32),
                           STFTResolution(nFFT: 128, hop: 16, winLength: 64),
                           STFTResolution(nFFT: 32, hop: 4, winLength: 16)]
        var losses: [Float] = []
        for _ in 0..<40 {
            let loss = try multiResolutionSTFTLoss(try vocoder(mel: mel, length: length), target,
                                                   resolutions: resolutions).total
            losses.append(loss.item())
            vocoder.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        let final = losses.suffix(5).reduce(0, +) / 5                 // the curve is not monotone
        #expect(final < 0.7 * losses.first!, "STFT loss \(losses.first!) → \(final) (last 5): \(losses)")
    }
}
