import Foundation
import Models
import NN
import Testing
import Tensor

/// Tests/ModelsTests/Fixtures/wavenet.safetensors, written by
/// scripts/fixtures/make_wavenet_fixtures.py: Parallel WaveGAN's generator in plain torch.
private struct WaveNetFixture {
    let arrays: [String: NamedArray]
    let config: WaveNetConfig

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "wavenet", withExtension: "safetensors",
                                                 subdirectory: "Fixtures"))
        let (arrays, metadata) = try Safetensors.read(url)
        self.arrays = arrays
        config = try JSONDecoder().decode(WaveNetConfig.self, from: Data(try #require(metadata["config"]).utf8))
    }

    func tensor(_ key: String) throws -> Tensor {
        let a = try #require(arrays[key], "wavenet.safetensors has no \(key)")
        return Tensor(a.values, shape: a.shape)
    }

    var stateDict: StateDict {
        Dictionary(uniqueKeysWithValues: arrays.compactMap { key, value in
            key.hasPrefix("param.") ? (String(key.dropFirst(6)), value) : nil
        })
    }

    func vocoder() throws -> WaveNetVocoder {
        var generator = SplitMix64(seed: 1)
        let vocoder = try WaveNetVocoder(config: config, noiseSeed: 2, generator: &generator)
        try vocoder.load(stateDict: stateDict)
        return vocoder
    }
}

@Suite struct WaveNetVocoderTests {
    @Test func itHasTheTorchModulesParameterNames() throws {
        let fixture = try WaveNetFixture()
        var generator = SplitMix64(seed: 1)
        let vocoder = try WaveNetVocoder(config: fixture.config, noiseSeed: 2, generator: &generator)
        let names = Set(vocoder.namedParameters().map(\.name))
        #expect(names == Set(fixture.stateDict.keys))
        for key in ["first_conv.weight", "upsample_net.conv_in.weight", "upsample_net.convs.1.weight",
                    "conv_layers.3.conv.bias", "conv_layers.0.conv1x1_aux.weight", "conv_layers.2.conv1x1_out.weight",
                    "conv_layers.1.conv1x1_skip.bias", "last_conv_layers.1.weight"] {
            #expect(names.contains(key), "no parameter \(key)")
        }
    }

    @Test func forwardAndEveryGradientMatchPyTorch() throws {
        let fixture = try WaveNetFixture()
        let vocoder = try fixture.vocoder()
        let mel = try fixture.tensor("mel"), noise = try fixture.tensor("noise")
        mel.requiresGrad = true
        noise.requiresGrad = true
        let waveform = try vocoder(mel: mel, noise: noise)
        let expected = try fixture.tensor("waveform")
        #expect(waveform.shape == expected.shape)
        let scale = expected.scalars.map(abs).max()!
        let error = maxAbsoluteError(waveform.scalars, expected.scalars)
        #expect(error <= 1e-5 * max(scale, 1), "waveform: max error \(error), max |y| \(scale)")

        try (waveform * fixture.tensor("weights")).sum().backward()
        var compared = ["mel": try #require(mel.grad), "noise": try #require(noise.grad)]
        for (name, p) in vocoder.namedParameters() {
            // The last block's residual output feeds nothing (as in PWG).
            let unused = name.hasPrefix("conv_layers.\(fixture.config.layers - 1).conv1x1_out")
            #expect((p.grad == nil) == unused, "gradient of \(name)")
            compared[name] = p.grad ?? .zeros(p.shape)
        }
        for (name, grad) in compared {
            let reference = try fixture.tensor("grad.\(name)").scalars
            let scale = reference.map(abs).max()!
            let worst = maxAbsoluteError(grad.scalars, reference)
            #expect(worst <= 1e-4 * scale, "gradient of \(name): max error \(worst), max |grad| \(scale)")
        }
    }

    @Test func restoringTheNoiseStateRepeatsTheOutputAndFreshNoiseChangesIt() throws {
        let fixture = try WaveNetFixture()
        let vocoder = try fixture.vocoder()
        let mel = try fixture.tensor("mel")
        let saved = vocoder.noise.generator
        let first = try vocoder(mel: mel).scalars
        let second = try vocoder(mel: mel).scalars
        #expect(first != second, "each forward draws new noise")
        vocoder.noise.generator = SplitMix64(seed: saved.state)       // as a checkpoint restores it
        #expect(try vocoder(mel: mel).scalars == first)
        #expect(try vocoder(mel: mel).scalars == second)
    }

    @Test func lengthDefaultsToOneHopLessThanTheFramesMake() throws {
        var generator = SplitMix64(seed: 3)
        let config = WaveNetConfig(nMels: 4, upsampleScales: [2, 2], auxContextWindow: 2, layers: 2, stacks: 1,
                                   residualChannels: 4, gateChannels: 4, skipChannels: 4)
        let vocoder = try WaveNetVocoder(config: config, noiseSeed: 1, generator: &generator)
        let any: any NeuralVocoder = vocoder
        #expect(any.hop == 4 && any.nMels == 4)
        let mel = Tensor.randn([2, 3, 4], seed: 4)
        #expect(try any(mel: mel, length: nil).shape == [2, 8])
        #expect(try vocoder(mel: mel, length: 12).shape == [2, 12])
        #expect(try vocoder(mel: mel.slice(axis: 1, 0 ..< 1), length: 3).shape == [2, 3])
        // A mel shorter than the context window is edge-padded, not refused.
        #expect(try vocoder(mel: mel.slice(axis: 1, 0 ..< 1), noise: .zeros([2, 4])).shape == [2, 4])
    }

    @Test func badMelsNoiseAndSizesAreRefusedWithTheirReason() throws {
        var generator = SplitMix64(seed: 3)
        let vocoder = try WaveNetVocoder(config: WaveNetConfig(nMels: 4, upsampleScales: [2], layers: 2, stacks: 2,
                                                               residualChannels: 4, gateChannels: 4, skipChannels: 4),
                                         noiseSeed: 1, generator: &generator)
        for shape in [[2, 5, 3], [5, 4], [2, 1, 4]] {
            #expect(throws: WaveNetError.badMel(shape: shape, nMels: 4, length: nil, hop: 2)) {
                try vocoder(mel: Tensor.zeros(shape))
            }
        }
        #expect(throws: WaveNetError.badMel(shape: [1, 3, 4], nMels: 4, length: 7, hop: 2)) {
            try vocoder(mel: Tensor.zeros([1, 3, 4]), length: 7)
        }
        #expect(throws: WaveNetError.badNoise(shape: [1, 5], expected: [1, 6])) {
            try vocoder(mel: Tensor.zeros([1, 3, 4]), noise: .zeros([1, 5]))
        }
        for (config, key) in [(WaveNetConfig(kernelSize: 2), "kernelSize"), (WaveNetConfig(layers: 30, stacks: 4), "stacks"),
                              (WaveNetConfig(gateChannels: 63), "gateChannels"), (WaveNetConfig(upsampleScales: []), "upsampleScales"),
                              (WaveNetConfig(auxContextWindow: -1), "auxContextWindow"), (WaveNetConfig(nMels: 0), "nMels")] {
            let error = #expect(throws: WaveNetError.self) { try WaveNetVocoder(config: config, noiseSeed: 0, generator: &generator) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("\(key) = "), "\(String(describing: error))")
        }
    }

    @Test func theDefaultConfigIsParallelWaveGANsGeneratorSize() throws {
        var generator = SplitMix64(seed: 3)
        let config = WaveNetConfig()
        #expect(config.hop == 256)
        #expect((0..<30).map(config.dilation(ofLayer:)).max() == 512)
        let decoded = try JSONDecoder().decode(WaveNetConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
        #expect(try WaveNetVocoder(config: config, noiseSeed: 0, generator: &generator).parameterCount == 1_334_309)
    }
}
