import Foundation
import Models
import NN
import Testing
import Tensor

/// Tests/ModelsTests/Fixtures/discriminators.safetensors, written by
/// scripts/fixtures/make_discriminator_fixtures.py: HiFi-GAN's MPD and UnivNet's MRD in plain torch.
private struct DiscriminatorFixture {
    let arrays: [String: NamedArray]
    let config: DiscriminatorConfig

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "discriminators", withExtension: "safetensors",
                                                 subdirectory: "Fixtures"))
        let (arrays, metadata) = try Safetensors.read(url)
        self.arrays = arrays
        config = try JSONDecoder().decode(DiscriminatorConfig.self, from: Data(try #require(metadata["config"]).utf8))
    }

    func tensor(_ key: String) throws -> Tensor {
        let a = try #require(arrays[key], "discriminators.safetensors has no \(key)")
        return Tensor(a.values, shape: a.shape)
    }

    func discriminators() throws -> Discriminators {
        var generator = SplitMix64(seed: 1)
        let d = try Discriminators(config: config, generator: &generator)
        try d.load(stateDict: Dictionary(uniqueKeysWithValues: arrays.compactMap { key, value in
            key.hasPrefix("param.") ? (String(key.dropFirst(6)), value) : nil
        }))
        return d
    }
}

/// Expects `value` to match `reference` within `tolerance` of the reference's largest magnitude.
private func expectMatch(_ value: Tensor, _ reference: Tensor, tolerance: Float, _ what: String) {
    #expect(value.shape == reference.shape, "\(what): shape \(value.shape) vs \(reference.shape)")
    guard value.shape == reference.shape else { return }
    let scale = max(reference.scalars.map(abs).max() ?? 0, 1e-6)
    let error = maxAbsoluteError(value.scalars, reference.scalars)
    #expect(error <= tolerance * scale, "\(what): max error \(error), max |reference| \(scale)")
}

@Suite struct DiscriminatorTests {
    @Test func outputsFeatureMapsAndGradientsMatchHiFiGANsMPDAndUnivNetsMRD() throws {
        let fixture = try DiscriminatorFixture()
        let d = try fixture.discriminators()
        let waveform = try fixture.tensor("waveform")
        waveform.requiresGrad = true
        let outputs = try d(waveform: waveform)
        #expect(outputs.count == fixture.config.periods.count + fixture.config.resolutions.count)
        var loss = Tensor(scalar: 0)
        for (k, output) in outputs.enumerated() {
            expectMatch(output.logits, try fixture.tensor("out.\(k).logits"), tolerance: 1e-4, "logits of \(k)")
            let layers = k < fixture.config.periods.count ? fixture.config.periodChannels.count : 5
            #expect(output.features.count == layers + 1)
            for (l, f) in output.features.enumerated() {
                expectMatch(f, try fixture.tensor("out.\(k).feature.\(l)"), tolerance: 1e-4, "feature \(l) of \(k)")
                loss = loss + f.mean() + 0.5 * (f * f).mean()
            }
        }
        loss.backward()
        expectMatch(try #require(waveform.grad), try fixture.tensor("grad.waveform"), tolerance: 1e-3, "∂waveform")
        for (name, p) in d.namedParameters() {
            expectMatch(try #require(p.grad, "no gradient for \(name)"), try fixture.tensor("grad.\(name)"),
                        tolerance: 1e-3, "∂\(name)")
        }
    }

    @Test func theLossesFollowTheirFormulas() {
        func output(_ logits: [Float], features: [[Float]] = []) -> DiscriminatorOutput {
            DiscriminatorOutput(logits: Tensor(logits, shape: [1, logits.count]),
                                features: features.map { Tensor($0, shape: [1, 1, $0.count]) })
        }
        let real = [output([2, 0.5]), output([-1])], fake = [output([-3, 0.5]), output([0])]
        // hinge: D: ((0 + 0.5)/2 + (0 + 1.5)/2 + (2 + 1)) / 2;  G: ((4 + 0.5)/2 + 1) / 2
        #expect(abs(discriminatorLoss(real: real, generated: fake).item() - 2.0) < 1e-6)
        #expect(abs(generatorAdversarialLoss(generated: fake).item() - 1.625) < 1e-6)
        // least squares: D: ((1 + 0.25)/2 + (9 + 0.25)/2 + (4 + 0)) / 2;  G: ((16 + 0.25)/2 + 1) / 2
        #expect(abs(discriminatorLoss(real: real, generated: fake, kind: .leastSquares).item() - 4.625) < 1e-6)
        #expect(abs(generatorAdversarialLoss(generated: fake, kind: .leastSquares).item() - 4.5625) < 1e-6)
        // feature matching: (mean|[1, 2] − [1, 0]| + mean|[3] − [5]|) / 1
        let r = [output([0], features: [[1, 2], [3]])], g = [output([0], features: [[1, 0], [5]])]
        #expect(abs(featureMatchingLoss(real: r, generated: g).item() - 3) < 1e-6)
    }

    @Test func featureMatchingReachesOnlyTheGeneratedFeatures() {
        let real = Tensor([1, 2, 3], shape: [1, 1, 3], requiresGrad: true)
        let fake = Tensor([0, 2, 5], shape: [1, 1, 3], requiresGrad: true)
        featureMatchingLoss(real: [DiscriminatorOutput(logits: .zeros([1, 1]), features: [real])],
                            generated: [DiscriminatorOutput(logits: .zeros([1, 1]), features: [fake])]).backward()
        #expect(real.grad == nil)
        #expect(fake.grad?.scalars == [-1 / Float(3), 0, 1 / Float(3)])
    }

    @Test func shortWaveformsAndBadSizesAreRefusedWithTheirReason() throws {
        var generator = SplitMix64(seed: 2)
        let config = DiscriminatorConfig(periods: [2, 5], periodChannels: [4], resolutions: [STFTResolution(nFFT: 32, hop: 8, winLength: 32)],
                                         resolutionChannels: 2)
        let d = try Discriminators(config: config, generator: &generator)
        #expect(d.minimumSamples == 17)
        #expect(throws: DiscriminatorError.badWaveform(shape: [2, 16], minimumSamples: 17)) { try d(waveform: .zeros([2, 16])) }
        #expect(throws: DiscriminatorError.badWaveform(shape: [17], minimumSamples: 17)) { try d(waveform: .zeros([17])) }
        #expect(try d(waveform: .randn([2, 17], seed: 3)).map { $0.logits.shape[0] } == [2, 2, 2])
        for (bad, key) in [(DiscriminatorConfig(periods: [], resolutions: []), "periods"),
                           (DiscriminatorConfig(periodKernelSize: 4), "periodKernelSize"),
                           (DiscriminatorConfig(resolutions: [STFTResolution(nFFT: 32, hop: 8, winLength: 64)]), "resolutions"),
                           (DiscriminatorConfig(periods: [2, 0]), "periods"), (DiscriminatorConfig(slope: -1), "slope")] {
            let error = #expect(throws: DiscriminatorError.self) { try Discriminators(config: bad, generator: &generator) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("\(key) = "), "\(String(describing: error))")
        }
    }
}
