import Models
import NN
import Testing
import Tensor

/// The GAN step as a vocoder trainer runs it (``Discriminators``' doc): a discriminator update
/// on detached generated audio, then a generator update on the adversarial, feature-matching
/// and STFT losses. No quality claim: the test shows that both updates run, reach the network
/// they are for, and leave the other alone.
@Suite struct VocoderGANTrainingTests {
    @Test(arguments: AdversarialLoss.allCases)
    func aFewAlternatingAdamStepsChangeBothNetworksEachOnlyThroughItsOwnStep(kind: AdversarialLoss) throws {
        var generator = SplitMix64(seed: 7)
        let vocoder = try WaveNetVocoder(config: WaveNetConfig(nMels: 4, upsampleScales: [2, 2], auxContextWindow: 1,
                                                               layers: 2, stacks: 1, residualChannels: 4,
                                                               gateChannels: 4, skipChannels: 4),
                                         noiseSeed: 3, generator: &generator)
        let critics = try Discriminators(config: DiscriminatorConfig(periods: [2, 3], periodChannels: [4, 4],
                                                                     resolutions: [STFTResolution(nFFT: 16, hop: 4, winLength: 16)],
                                                                     resolutionChannels: 2),
                                         generator: &generator)
        let gOptimizer = Adam(vocoder.namedParameters(), learningRate: 1e-3)
        let dOptimizer = Adam(critics.namedParameters(), learningRate: 1e-3)
        let mel = Tensor.randn([2, 9, 4], seed: 4)
        let real = Tensor.randn([2, 32], std: 0.3, seed: 5)
        func snapshot(_ m: Module) -> [[Float]] { m.parameters().map(\.scalars) }

        for _ in 0..<3 {
            let fake = try vocoder(mel: mel)                                        // [2, 32]
            // Discriminator step: the generator sees no gradient.
            let gBefore = snapshot(vocoder), dBefore = snapshot(critics)
            critics.zeroGrad()
            let dLoss = discriminatorLoss(real: try critics(waveform: real), generated: try critics(waveform: fake.detached()),
                                          kind: kind)
            try dLoss.checkFinite("discriminator loss")
            let gGrads = vocoder.parameters().map { $0.grad?.scalars }
            dLoss.backward()
            #expect(vocoder.parameters().map { $0.grad?.scalars } == gGrads)
            dOptimizer.step()
            #expect(snapshot(vocoder) == gBefore)
            #expect(snapshot(critics) != dBefore)

            // Generator step: the discriminators' weights stay, whatever gradient reached them.
            let dAfter = snapshot(critics)
            vocoder.zeroGrad()
            let targets = try noGrad { try critics(waveform: real) }, judged = try critics(waveform: fake)
            let gLoss = generatorAdversarialLoss(generated: judged, kind: kind)
                + 2 * featureMatchingLoss(real: targets, generated: judged)
                + (try multiResolutionSTFTLoss(fake, real, resolutions: [STFTResolution(nFFT: 16, hop: 4, winLength: 16)]).total)
            try gLoss.checkFinite("generator loss")
            gLoss.backward()
            gOptimizer.step()
            #expect(snapshot(vocoder) != gBefore)
            #expect(snapshot(critics) == dAfter)
        }
        #expect(gOptimizer.stepCount == 3 && dOptimizer.stepCount == 3)
    }
}
