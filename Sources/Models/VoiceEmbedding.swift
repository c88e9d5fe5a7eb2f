import Foundation
import Tensor

/// A reference recording as the model's reference encoder sees it (``AudioEncoder``): its
/// per-frame features and their masked mean, for one voice. Synthesis encodes a voice once
/// and speaks every sentence with it.
public struct EncodedVoice {
    /// `[1, R, d]` per-frame features and `[1, d]` global embedding.
    let sequence: Tensor, global: Tensor
    /// The reference's pitch level when the model predicts pitch relative to it (``ReferencePitch``), else 0.
    let pitchLevel: Float

    /// The same voice for each of `batch` items.
    func expanded(to batch: Int) -> (sequence: Tensor, global: Tensor) {
        (sequence.expand(to: [batch] + sequence.shape.dropFirst()), global.expand(to: [batch, global.shape[1]]))
    }

    /// No reference frame is padding.
    func padding(batch: Int) -> Tensor { Tensor.zeros([batch, sequence.shape[1]]) }
}

extension FusionTTS {
    /// The reference encoder's view of `reference` (its per-frame features and their masked
    /// mean), computed once for all the sentences spoken in that voice.
    public func encodeVoice(_ reference: LogMel) throws -> EncodedVoice {
        guard reference.bands == config.features.nMels, reference.frames > 0 else {
            throw ModelError("a reference of \(config.features.nMels) mel bands is needed, got \(reference.bands)×\(reference.frames)")
        }
        return inEvaluation {
            let mel = Tensor(reference.values, shape: [1, reference.frames, reference.bands])
            let (sequence, global) = audioEncoder(mel, mask: Batch.mask([reference.frames], length: reference.frames))
            return EncodedVoice(sequence: sequence, global: global,
                                pitchLevel: varianceAdaptor.referencePitch.map { $0(reference) } ?? 0)
        }
    }

    /// The reference encoder's global embedding of `reference` (the masked mean of its
    /// per-frame features, ``AudioEncoder``): the model's idea of the voice, which the voice
    /// map draws for every speaker to show whether voices separate.
    public func voiceEmbedding(_ reference: LogMel) throws -> [Float] {
        try encodeVoice(reference).global.scalars
    }
}
