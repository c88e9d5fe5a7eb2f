import Foundation
import Testing
import NN
@testable import Models

@Suite struct BadInputTests {
    let synthesizer = try! Synthesizer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1))
    var voice: [Float] { (0..<4000).map { 0.3 * sin(Float($0) * 0.2) } }

    @Test func textWithNoKnownSymbol() {
        let error = #expect(throws: ModelError.self) { try synthesizer.synthesize(symbols: ["ʒ", "ð"], reference: voice) }
        #expect(error?.message.contains("no symbol the model knows") == true)
    }

    @Test func unknownSymbolsAreSkippedAndReported() throws {
        let result = try synthesizer.synthesize(symbols: ["a", "ʒ", "t"], reference: voice)
        #expect(result.skippedSymbols == ["ʒ"])
        #expect(result.durations.count == 2)
        #expect(!result.samples.isEmpty && result.samples.allSatisfy(\.isFinite))
    }

    @Test func referenceShorterThanOneFrame() {
        let error = #expect(throws: ModelError.self) { try synthesizer.synthesize(symbols: ["a"], reference: [0.1, 0.2]) }
        #expect(error?.message.contains("shorter than one analysis frame") == true)
    }

    @Test func silentReference() {
        let error = #expect(throws: ModelError.self) {
            try synthesizer.synthesize(symbols: ["a"], reference: [Float](repeating: 0, count: 4000))
        }
        #expect(error?.message.contains("silent") == true)
    }

    @Test func checkpointOfAnotherConfigurationNamesTheTensors() throws {
        var other = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        other.dim = 32
        other.decoder.postnet = true
        let bytes = try Checkpoint(FusionTTS(other, seed: 1)).encoded()
        let error = #expect(throws: ModelError.self) {
            try Checkpoint(decoding: bytes).load(into: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1))
        }
        #expect(error?.message.contains("another configuration") == true)
        #expect(error?.message.contains("decoder.proj.weight") == true)
        #expect(error?.message.contains("postnet.convs.0.weight") == true)
    }

    @Test func checkpointRoundTripRebuildsTheModel() throws {
        let model = FusionTTS(.tiny(symbols: SyntheticSpeech.symbols, fusion: .film), seed: 4)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(model, step: 7).write(to: url)
        let loaded = try Checkpoint(contentsOf: url)
        #expect(loaded.step == 7 && loaded.modelConfig == model.config)
        #expect(try loaded.makeModel().stateDict() == model.stateDict())
    }

    @Test func notACheckpoint() throws {
        let bytes = try NN.Safetensors.encode(["x": .init(shape: [1], values: [1])])
        let error = #expect(throws: ModelError.self) { try Checkpoint(decoding: bytes, file: "x.safetensors") }
        #expect(error?.message.contains("not a FunAudio model checkpoint") == true)
    }

    @Test func tokenOutsideTheVocabulary() {
        var u = SyntheticSpeech.utterances(1)[0]
        u.tokens[0] = 99
        #expect(throws: ModelError.self) {
            try Trainer(model: FusionTTS(.tiny(symbols: SyntheticSpeech.symbols), seed: 1), config: .tiny(), train: [u], validation: [])
        }
    }
}
