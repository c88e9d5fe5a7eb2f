import NN
import Tensor

/// The two convolutional encoders and the distance attention of "One TTS Alignment To Rule
/// Them All" (FastPitch 1.1's `ConvAttention` with its `3xconv` query encoder; parameter
/// names as in its state dict, so its checkpoints load):
/// ```
/// keys    k = conv₁(relu(conv₃(text)))                 text [B, N, C_text] → [B, A, N]
/// queries q = conv₁(relu(conv₁(relu(conv₃(mels)))))    mels [B, T, n_mels] → [B, A, T]
/// D(t, n) = ‖q_t‖² + ‖k_n‖² − 2 q_t·k_n
/// x(t, n) = logSoftmax_n(−temperature · D(t, n)) + w · log prior(t, n)
/// ```
/// conv₃ doubles the channels (kernel 3, padding 1), the next conv₁ brings them back (the
/// query's middle conv₁ to n_mels, the last to A). Padded phonemes are masked to −∞ before
/// the log-softmax (FastPitch leaves them in it and masks only the soft attention).
///
/// `‖q_t‖²` is the same for every phoneme of frame t, so the log-softmax over phonemes does
/// not see it: ``attention(keys:queries:textLengths:logPrior:priorWeight:)`` computes
/// `logSoftmax_n(2τ q_t·k_n − τ‖k_n‖²)`, one batched GEMM on scaled keys plus a per-phoneme
/// bias that also carries the padding mask. Equal to FastPitch's, and it touches the
/// `[B, T, N]` matrix four times fewer (the aligner is timed against a training step).
/// Convolutions start from PyTorch's default initialisation (FastPitch uses Xavier).
public final class AlignmentEncoder: Module {
    @Key("key_proj.0.conv") var keyExpand: Conv1d
    @Key("key_proj.2.conv") var keyProject: Conv1d
    @Key("query_proj.0.conv") var queryExpand: Conv1d
    @Key("query_proj.2.conv") var queryReduce: Conv1d
    @Key("query_proj.4.conv") var queryProject: Conv1d
    /// The scale of the squared distances (FastPitch: 0.0005).
    public let temperature: Float

    public init(textChannels: Int, melChannels: Int, attentionChannels: Int = 80,
                temperature: Float = 0.0005, generator: inout SplitMix64) {
        self.temperature = temperature
        super.init()
        _keyExpand.wrappedValue = Conv1d(textChannels, 2 * textChannels, kernelSize: 3, padding: 1, generator: &generator)
        _keyProject.wrappedValue = Conv1d(2 * textChannels, attentionChannels, kernelSize: 1, generator: &generator)
        _queryExpand.wrappedValue = Conv1d(melChannels, 2 * melChannels, kernelSize: 3, padding: 1, generator: &generator)
        _queryReduce.wrappedValue = Conv1d(2 * melChannels, melChannels, kernelSize: 1, generator: &generator)
        _queryProject.wrappedValue = Conv1d(melChannels, attentionChannels, kernelSize: 1, generator: &generator)
    }

    /// The input channels (text, mels) it was built for.
    public var channels: (text: Int, mels: Int) { (keyExpand.weight.shape[1], queryExpand.weight.shape[1]) }

    /// The attention log-probabilities `x` `[B, T, N]` (the forward-sum loss's input) and
    /// the log of the soft attention, `logSoftmax_n(x)` (MAS's and the binarization loss's).
    ///
    /// - Parameters:
    ///   - text: phoneme embeddings `[B, N, C_text]`; `textLengths[b]` of them are real.
    ///   - mels: `[B, T, n_mels]`; padded frames give rows that callers ignore.
    ///   - logPrior: `[B, T, N]` (``BetaBinomialPrior/batch(textLengths:melLengths:maxText:maxMel:scaling:floor:)``), or nil.
    public func callAsFunction(text: Tensor, mels: Tensor, textLengths: [Int], logPrior: Tensor? = nil,
                               priorWeight: Float = 1) -> (logProbabilities: Tensor, logSoftAttention: Tensor) {
        let (keys, queries) = encode(text: text, mels: mels)
        return attention(keys: keys, queries: queries, textLengths: textLengths, logPrior: logPrior, priorWeight: priorWeight)
    }

    /// The two encoders: keys `[B, A, N]` from `text` `[B, N, C_text]`, queries `[B, A, T]`
    /// from `mels` `[B, T, n_mels]`.
    public func encode(text: Tensor, mels: Tensor) -> (keys: Tensor, queries: Tensor) {
        let keys = keyProject(keyExpand(text.transposed(1, 2)).relu())
        let queries = queryProject(queryReduce(queryExpand(mels.transposed(1, 2)).relu()).relu())
        return (keys, queries)
    }

    /// The attention of encoded `queries` `[B, A, T]` over `keys` `[B, A, N]`: the distance
    /// matrix (one batched GEMM), the masked log-softmax and the prior (see the type's formulas).
    public func attention(keys: Tensor, queries: Tensor, textLengths: [Int], logPrior: Tensor? = nil,
                          priorWeight: Float = 1) -> (logProbabilities: Tensor, logSoftAttention: Tensor) {
        let (batch, phonemes) = (keys.shape[0], keys.shape[2])
        let padding = Tensor(textLengths.flatMap { n in (0..<phonemes).map { $0 >= n ? Float(1) : 0 } },
                             shape: [batch, 1, phonemes])
        let bias = (-temperature * (keys * keys).sum(axes: [1]).unsqueezed(1)).maskedFill(padding, -.infinity)   // [B, 1, N]
        let scores = matmul(queries, (2 * temperature) * keys, transposeA: true) + bias                       // [B, T, N]
        var logProbabilities = scores.logSoftmax(axis: -1)
        if let logPrior, priorWeight != 0 {
            logProbabilities = logProbabilities + (priorWeight == 1 ? logPrior : priorWeight * logPrior)
        }
        return (logProbabilities, logProbabilities.logSoftmax(axis: -1))
    }
}
