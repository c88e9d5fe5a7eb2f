import NN
import Tensor

/// What the aligner gives a training step.
public struct AlignmentOutput {
    /// `[B, T, N]` attention log-probabilities, prior included (the forward-sum's input).
    public let logProbabilities: Tensor
    /// `[B, T, N]` log soft attention, each valid frame a distribution over its phonemes (MAS's
    /// and the binarization loss's input). ``FusionTTS/align(_:binarizationWeight:)`` leaves it
    /// over the tokens it aligned, without word boundaries (``SpokenTokens``).
    public let logSoftAttention: Tensor
    /// Hard durations by MAS, one per phoneme (≥ 1), summing to each mel length. No gradient.
    /// ``FusionTTS/align(_:binarizationWeight:)`` gives one per token, 0 at word boundaries.
    public internal(set) var durations: [[Int]]
    /// The soft attention itself, `exp` of ``logSoftAttention`` (for pictures).
    public var softAttention: Tensor { logSoftAttention.exp() }
    /// The forward-sum loss (scalar).
    public let forwardSumLoss: Tensor
    /// The binarization loss (scalar, unweighted); `nil` when its weight was 0.
    public let binarizationLoss: Tensor?
    /// `forwardSumLoss + weight · binarizationLoss`: what the step adds to its loss.
    public let loss: Tensor
}

/// A learned aligner trained with the model (RAD-TTS / FastPitch 1.1): an
/// ``AlignmentEncoder``, the beta-binomial prior, the forward-sum loss, MAS durations and
/// the binarization loss, called once per batch:
///
/// ```swift
/// let aligner = Aligner(textChannels: 192, melChannels: 80, generator: &generator)
/// // in the step, with `embeddings` the phoneme embeddings [B, N, 192] and `mels` [B, T, 80]:
/// let alignment = try aligner(text: embeddings, mels: mels, textLengths: batch.textLengths,
///                             melLengths: batch.melLengths,
///                             binarizationWeight: schedule.weight(atStep: step))
/// let hidden = encoded.repeatInterleave(batchCounts: alignment.durations, length: T)   // length regulator
/// let loss = melLoss + durationLoss(predicted, alignment.durations) + alignment.loss
/// ```
/// The aligner's parameters are ordinary module parameters (`aligner.encoder.key_proj.0.conv.weight`, …),
/// so the model's optimizer trains them with everything else; the durations carry no gradient.
public final class Aligner: Module {
    public let encoder: AlignmentEncoder
    /// Weight of the log prior added to the attention log-probabilities (0: no prior).
    public let priorWeight: Float
    /// The forward-sum's constant blank log-probability (FastPitch: −1).
    public let blankLogProbability: Float

    public init(textChannels: Int, melChannels: Int, attentionChannels: Int = 80, temperature: Float = 0.0005,
                priorWeight: Float = 1, blankLogProbability: Float = -1, generator: inout SplitMix64) {
        encoder = AlignmentEncoder(textChannels: textChannels, melChannels: melChannels,
                                   attentionChannels: attentionChannels, temperature: temperature,
                                   generator: &generator)
        self.priorWeight = priorWeight
        self.blankLogProbability = blankLogProbability
    }

    /// Aligns a padded batch: `text` `[B, N, C_text]`, `mels` `[B, T, n_mels]`.
    ///
    /// - Throws: ``AlignmentError`` when the lengths do not fit the tensors, or an utterance
    ///   has fewer frames than phonemes (MAS cannot give every phoneme a frame), or the
    ///   tensors' shapes do not fit the aligner.
    public func callAsFunction(text: Tensor, mels: Tensor, textLengths: [Int], melLengths: [Int],
                               binarizationWeight: Float = 0) throws(AlignmentError) -> AlignmentOutput {
        let (textChannels, melChannels) = encoder.channels
        guard text.rank == 3, mels.rank == 3, mels.shape[0] == text.shape[0],
              text.shape[2] == textChannels, mels.shape[2] == melChannels else {
            throw .badShapes(text: text.shape, mels: mels.shape, textChannels: textChannels, melChannels: melChannels)
        }
        let (keys, queries) = encoder.encode(text: text, mels: mels)
        return try align(keys: keys, queries: queries, textLengths: textLengths, melLengths: melLengths,
                         binarizationWeight: binarizationWeight)
    }

    /// The aligner after its encoders, from keys `[B, A, N]` and queries `[B, A, T]`
    /// (``AlignmentEncoder/encode(text:mels:)``): prior, distance matrix, soft attention, MAS,
    /// forward-sum and binarization. `funaudio bench align` times it apart from the encoders.
    public func align(keys: Tensor, queries: Tensor, textLengths: [Int], melLengths: [Int],
                      binarizationWeight: Float = 0) throws(AlignmentError) -> AlignmentOutput {
        let shape = [keys.shape[0], queries.shape[2], keys.shape[2]]
        try AlignmentError.check(textLengths: textLengths, melLengths: melLengths, shape: shape)
        let prior = priorWeight == 0 ? nil
            : BetaBinomialPrior.batch(textLengths: textLengths, melLengths: melLengths, maxText: shape[2], maxMel: shape[1])
        let (logProbabilities, logSoftAttention) = encoder.attention(keys: keys, queries: queries, textLengths: textLengths,
                                                                     logPrior: prior, priorWeight: priorWeight)
        let durations = try monotonicAlignmentSearch(logProbabilities: logSoftAttention, textLengths: textLengths,
                                                     melLengths: melLengths)
        let forwardSum = try forwardSumLoss(logProbabilities, textLengths: textLengths, melLengths: melLengths,
                                            blank: blankLogProbability)
        let binarization = binarizationWeight == 0 ? nil
            : binarizationLoss(logSoftAttention: logSoftAttention, durations: durations)
        return AlignmentOutput(logProbabilities: logProbabilities, logSoftAttention: logSoftAttention,
                               durations: durations, forwardSumLoss: forwardSum, binarizationLoss: binarization,
                               loss: binarization.map { forwardSum + binarizationWeight * $0 } ?? forwardSum)
    }
}
