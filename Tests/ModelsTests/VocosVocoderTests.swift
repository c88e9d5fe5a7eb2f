import Foundation
import Models
import NN
import Testing
import Tensor

/// Tests/ModelsTests/Fixtures/vocos.safetensors, written by
/// scripts/fixtures/make_vocos_fixtures.py: the same network in plain torch (see the script).
private struct VocosFixture {
    let arrays: [String: NamedArray]
    let config: VocosConfig

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "vocos", withExtension: "safetensors",
                                                 subdirectory: "Fixtures"))
        let (arrays, metadata) = try Safetensors.read(url)
        self.arrays = arrays
        let sizes = try JSONDecoder().decode([String: Int].self, from: Data(try #require(metadata["config"]).utf8))
        config = VocosConfig(nMels: sizes["nMels"]!, dim: sizes["dim"]!, intermediate: sizes["intermediate"]!,
                             layers: sizes["layers"]!, nFFT: sizes["nFFT"]!, hop: sizes["hop"]!)
    }

    func tensor(_ key: String) throws -> Tensor {
        let a = try #require(arrays[key], "vocos.safetensors has no \(key)")
        return Tensor(a.values, shape: a.shape)
    }

    /// The weights, by the state-dict keys of the torch model.
    var stateDict: StateDict {
        Dictionary(uniqueKeysWithValues: arrays.compactMap { key, value in
            key.hasPrefix("param.") ? (String(key.dropFirst(6)), value) : nil
        })
    }
}

@Suite struct VocosVocoderTests {
    @Test func itLoadsTheTorchStateDictByVocosKeys() throws {
        let fixture = try VocosFixture()
        var generator = SplitMix64(seed: 1)
        let vocoder = try VocosVocoder(config: fixture.config, generator: &generator)
        let names = Set(vocoder.namedParameters().map(\.name))
        #expect(names == Set(fixture.stateDict.keys))
        for key in ["backbone.embed.weight", "backbone.norm.weight", "backbone.convnext.0.dwconv.weight",
                    "backbone.convnext.1.norm.bias", "backbone.convnext.0.pwconv1.weight",
                    "backbone.convnext.1.pwconv2.bias", "backbone.convnext.0.gamma",
                    "backbone.final_layer_norm.weight", "head.out.weight"] {
            #expect(names.contains(key), "no parameter \(key)")
        }
        try vocoder.load(stateDict: fixture.stateDict)
    }

    @Test func forwardAndEveryGradientMatchPyTorch() throws {
        let fixture = try VocosFixture()
        var generator = SplitMix64(seed: 1)
        let vocoder = try VocosVocoder(config: fixture.config, generator: &generator)
        try vocoder.load(stateDict: fixture.stateDict)
        let mel = try fixture.tensor("mel")
        mel.requiresGrad = true
        let waveform = try vocoder(mel: mel)
        let expected = try fixture.tensor("waveform")
        #expect(waveform.shape == expected.shape)
        let error = maxAbsoluteError(waveform.scalars, expected.scalars)
        #expect(error <= 1e-4, "waveform: max error \(error)")

        try (waveform * fixture.tensor("weights")).sum().backward()
        var compared = ["mel": try #require(mel.grad)]
        for (name, p) in vocoder.namedParameters() { compared[name] = try #require(p.grad, "no gradient for \(name)") }
        for (name, grad) in compared {
            let reference = try fixture.tensor("grad.\(name)").scalars
            let scale = reference.map(abs).max()!
            let worst = maxAbsoluteError(grad.scalars, reference)
            #expect(worst <= 1e-3 * scale, "gradient of \(name): max error \(worst), max |grad| \(scale)")
        }
    }

    @Test func aMagnitudeAbove100IsClippedAndPassesNoGradient() throws {
        let fixture = try VocosFixture()
        var generator = SplitMix64(seed: 1)
        let vocoder = try VocosVocoder(config: fixture.config, generator: &generator)
        try vocoder.load(stateDict: fixture.stateDict)
        // The fixture raises the DC bias so that every frame's DC magnitude clips.
        (try vocoder(mel: fixture.tensor("mel")) * fixture.tensor("weights")).sum().backward()
        #expect(try #require(vocoder.head.out.bias?.grad).scalars[0] == 0)
    }

    @Test func frameCountSetsTheLengthUnlessOneIsGiven() throws {
        var generator = SplitMix64(seed: 2)
        let config = VocosConfig(nMels: 4, dim: 8, intermediate: 16, layers: 1, nFFT: 16, hop: 4)
        let vocoder = try VocosVocoder(config: config, generator: &generator)
        let mel = Tensor.randn([2, 5, 4], std: 1, seed: 3)
        #expect(try vocoder(mel: mel).shape == [2, 16])
        #expect(try vocoder(mel: mel, length: 20).shape == [2, 20])
        #expect(try vocoder(mel: mel.slice(axis: 1, 0 ..< 1), length: 4).shape == [2, 4])
    }

    @Test func theConfigRoundTripsThroughJSONAndLayerScaleDefaultsToOneOverLayers() throws {
        let config = VocosConfig(nMels: 16, dim: 32, intermediate: 64, layers: 4, nFFT: 64, hop: 16)
        let decoded = try JSONDecoder().decode(VocosConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
        #expect(decoded.layerScale == 0.25)
        #expect(VocosConfig(layerScaleInit: 0.1).layerScale == 0.1)
    }

    @Test func badMelsAndSizesAreRefusedWithTheirReason() throws {
        var generator = SplitMix64(seed: 2)
        let vocoder = try VocosVocoder(config: VocosConfig(nMels: 4, dim: 8, intermediate: 16, layers: 1, nFFT: 16, hop: 4),
                                       generator: &generator)
        for shape in [[2, 5, 3], [5, 4], [2, 1, 4]] {
            #expect(throws: VocosError.badMel(shape: shape, nMels: 4)) { try vocoder(mel: Tensor.zeros(shape)) }
        }
        #expect(throws: VocosError.badMel(shape: [1, 3, 4], nMels: 4)) { try vocoder(mel: Tensor.zeros([1, 3, 4]), length: 0) }
        for (config, key) in [(VocosConfig(nFFT: 1023), "nFFT"), (VocosConfig(nFFT: 64, hop: 33), "hop"),
                              (VocosConfig(dim: 0), "dim"), (VocosConfig(layerScaleInit: .nan), "layerScaleInit")] {
            let error = #expect(throws: VocosError.self) { try VocosVocoder(config: config, generator: &generator) }
            #expect("\(error.map { "\($0)" } ?? "")".contains("\(key) = "), "\(String(describing: error))")
        }
    }
}
