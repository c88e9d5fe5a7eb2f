import Tensor

/// A micro-batch's part of its step's whole batch, by what each loss averages over.
///
/// The losses are means: the masked mel, pitch and energy losses over the batch's real
/// frames, the duration loss over its real tokens, forward-sum over its utterances. The mean
/// of micro-batch means is not the mean of the whole batch (micro-batches hold different
/// numbers of frames), so each micro-batch's loss is scaled by its share of the count:
/// ```
/// L = Σ_k L_k · n_k / n        (L_k the mean over the n_k frames of micro-batch k, n = Σ n_k)
/// ```
/// which is the whole batch's mean, and its gradient is the sum of the micro-batches'
/// gradients. Cutting a batch between ranks or micro-batches therefore changes only the
/// rounding of the step, never what the step optimises, nor what `train.lr` means.
struct LossShare {
    let frames: Float, tokens: Float, utterances: Float

    static let whole = LossShare(frames: 1, tokens: 1, utterances: 1)

    init(frames: Float, tokens: Float, utterances: Float) {
        self.frames = frames
        self.tokens = tokens
        self.utterances = utterances
    }

    /// The share of `part` in `whole` (1 exactly when they hold the same counts).
    init(_ part: [Utterance], of whole: [Utterance]) {
        func ratio(_ count: (Utterance) -> Int) -> Float {
            Float(part.map(count).reduce(0, +)) / Float(max(1, whole.map(count).reduce(0, +)))
        }
        self.init(frames: ratio(\.mel.frames), tokens: ratio(\.tokens.count), utterances: ratio { _ in 1 })
    }

    /// `loss · share`, or `loss` itself when the share is 1 (the graph of a whole batch is unchanged).
    func scale(_ loss: Tensor, by share: Float) -> Tensor {
        share == 1 ? loss : loss * share
    }
}
