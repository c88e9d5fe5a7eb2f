import Foundation
import Tensor

extension FusionTTS {
    /// The reference encoder's global embedding of `reference` (the masked mean of its
    /// per-frame features, ``AudioEncoder``): the model's idea of the voice, which the voice
    /// map draws for every speaker to show whether voices separate.
    public func voiceEmbedding(_ reference: LogMel) throws -> [Float] {
        guard reference.bands == config.features.nMels, reference.frames > 0 else {
            throw ModelError("a voice embedding needs a reference of \(config.features.nMels) mel bands, got \(reference.bands)×\(reference.frames)")
        }
        return inEvaluation {
            let mel = Tensor(reference.values, shape: [1, reference.frames, reference.bands])
            return audioEncoder(mel, mask: Batch.mask([reference.frames], length: reference.frames)).global.scalars
        }
    }
}
