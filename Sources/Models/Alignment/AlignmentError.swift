/// Why the aligner refused a batch.
public enum AlignmentError: Error, Equatable, CustomStringConvertible {
    /// An utterance has fewer mel frames than phonemes: no alignment gives every phoneme a
    /// frame. Drop it from the corpus (or use a shorter hop).
    case tooFewFrames(utterance: Int, textLength: Int, melLength: Int)
    /// The text or mel tensor is not `[B, N, C_text]` / `[B, T, n_mels]` with the aligner's channels.
    case badShapes(text: [Int], mels: [Int], textChannels: Int, melChannels: Int)
    /// The lengths are not one per utterance of a `[B, T, N]` tensor.
    case batchMismatch(textLengths: Int, melLengths: Int, shape: [Int])
    /// An utterance's lengths do not fit the padded batch tensor.
    case lengthsOutOfRange(utterance: Int, textLength: Int, melLength: Int, shape: [Int])

    public var description: String {
        switch self {
        case let .tooFewFrames(b, n, t):
            "utterance \(b) of the batch has \(t) mel frames for \(n) phonemes; every phoneme needs "
                + "at least one frame: drop such utterances from the corpus or use a shorter hop"
        case let .badShapes(text, mels, textChannels, melChannels):
            "the aligner takes text [batch, phonemes, \(textChannels)] and mels [batch, frames, \(melChannels)], "
                + "got text \(text) and mels \(mels)"
        case let .batchMismatch(texts, mels, shape):
            "\(texts) text lengths and \(mels) mel lengths for attention scores of shape \(shape): "
                + "expected [batch, frames, phonemes] and one length of each per utterance"
        case let .lengthsOutOfRange(b, n, t, shape):
            "utterance \(b) of the batch has \(n) phonemes and \(t) frames, which do not fit "
                + "attention scores of shape \(shape) [batch, frames, phonemes]"
        }
    }

    /// Checks the lengths of a padded batch against scores `[B, T, N]`; with
    /// `framePerPhoneme`, also that each utterance has at least as many frames as phonemes.
    static func check(textLengths: [Int], melLengths: [Int], shape: [Int],
                      framePerPhoneme: Bool = true) throws(AlignmentError) {
        guard shape.count == 3, textLengths.count == shape[0], melLengths.count == shape[0] else {
            throw .batchMismatch(textLengths: textLengths.count, melLengths: melLengths.count, shape: shape)
        }
        for (b, (n, t)) in zip(textLengths, melLengths).enumerated() {
            guard n >= 1, t >= 1, n <= shape[2], t <= shape[1] else {
                throw .lengthsOutOfRange(utterance: b, textLength: n, melLength: t, shape: shape)
            }
            guard t >= n || !framePerPhoneme else { throw .tooFewFrames(utterance: b, textLength: n, melLength: t) }
        }
    }
}
