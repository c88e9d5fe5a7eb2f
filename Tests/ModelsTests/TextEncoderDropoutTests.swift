import Foundation
import NN
import Testing
@testable import Models

/// The text encoder's Transformer layers use their own dropouts (PyTorch's places), drawing
/// from the model's one source, so a run with dropout trains and resumes bitwise.
@Suite struct TextEncoderDropoutTests {
    let train = SyntheticSpeech.utterances(6)
    let validation = SyntheticSpeech.utterances(2, seed: 99)

    func model(dropout: Double) -> FusionTTS {
        var config = ModelConfig.tiny(symbols: SyntheticSpeech.symbols)
        config.textEncoder.dropout = dropout
        return FusionTTS(config, seed: 3)
    }

    @Test func layerDropoutsDrawFromTheModelsSource() {
        let model = model(dropout: 0.3)
        for layer in model.textEncoder.layers {
            for dropout in [layer.dropout, layer.dropout1, layer.dropout2] {
                #expect(dropout.probability == 0.3)
                #expect(dropout.source === model.dropoutSource)
            }
        }
    }

    @Test func trainsAndResumesBitwise() throws {
        let config = TrainConfig.tiny(steps: 8)
        let full = try Trainer(model: model(dropout: 0.3), config: config, train: train, validation: validation)
        let uninterrupted = Recorder()
        try full.run(observer: uninterrupted)
        #expect(uninterrupted.losses.allSatisfy { $0.isFinite })
        let checkpoint = try Checkpoint(decoding: try #require(uninterrupted.checkpoints.first { $0.step == 4 }).bytes)
        let resumed = try Trainer(resuming: checkpoint, train: train, validation: validation)
        let recorder = Recorder()
        try resumed.run(observer: recorder)
        #expect(recorder.losses == Array(uninterrupted.losses[4...]))
        #expect(resumed.model.stateDict() == full.model.stateDict())

        let undropped = Recorder()
        try Trainer(model: model(dropout: 0), config: config, train: train, validation: validation).run(observer: undropped)
        #expect(undropped.losses != uninterrupted.losses, "dropout 0.3 must change the losses")
    }
}
