import Tensor

/// The forward-sum loss of "One TTS Alignment To Rule Them All" (FastPitch's
/// `AttentionCTCLoss`): the negative log-likelihood of all monotonic alignments of the
/// text to the mel frames, summed by CTC with every phoneme as its own class, in order.
///
/// Each frame's attention log-probabilities over the `N_b` phonemes get a blank class of
/// constant log-probability `blank` (FastPitch: −1) in front, padded phonemes are masked,
/// and the row is renormalised:
/// ```
/// y_t = logSoftmax([blank, x_t(0), …, x_t(N_b − 1)])      x = logProbabilities [B, T, N]
/// L_b = ctc(y, target 1 … N_b, T_b frames)                 (0 if T_b < N_b: zero_infinity)
/// loss = (1/B) Σ_b L_b / N_b                               (ctc_loss reduction "mean")
/// ```
/// This is exactly FastPitch's normalisation: `nn.CTCLoss(zero_infinity=True)` with its
/// default `reduction='mean'` divides each utterance's loss by its target length (its text
/// length), then averages over the batch.
///
/// - Returns: the scalar loss, differentiable with respect to `logProbabilities`.
public func forwardSumLoss(_ logProbabilities: Tensor, textLengths: [Int], melLengths: [Int],
                           blank: Float = -1) throws(AlignmentError) -> Tensor {
    let shape = logProbabilities.shape
    try AlignmentError.check(textLengths: textLengths, melLengths: melLengths, shape: shape, framePerPhoneme: false)
    let (batch, frames, phonemes) = (shape[0], shape[1], shape[2])
    let withBlank = Tensor.concat([Tensor.full([batch, frames, 1], blank), logProbabilities], axis: 2)
    let padding = Tensor(textLengths.flatMap { n in (0...phonemes).map { $0 > n ? Float(1) : 0 } },
                         shape: [batch, 1, phonemes + 1])
    let logPosteriors = withBlank.maskedFill(padding, -.infinity).logSoftmax(axis: -1)
    let losses = logPosteriors.ctcLoss(targets: textLengths.map { Array(1...$0) }, inputLengths: melLengths)
    let perPhoneme = Tensor(textLengths.map { 1 / Float($0) })
    return (losses * perPhoneme).mean()
}
