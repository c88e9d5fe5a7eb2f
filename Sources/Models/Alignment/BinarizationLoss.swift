import Tensor

/// The binarization loss of "One TTS Alignment To Rule Them All" (FastPitch's
/// `AttentionBinarizationLoss`): pulls the soft attention towards the hard MAS path, so
/// the alignment the decoder is trained with (hard) and the one the loss shapes (soft)
/// agree:
/// ```
/// L_bin = −Σ_{b,t} log A_soft(b, t, path_b(t)) / Σ_b T_b
/// ```
/// where `path_b(t)` is the phoneme of frame `t` under the hard durations. The log comes
/// straight from the log-softmax, so no clamp is needed (FastPitch clamps `A_soft` at 1e-12).
///
/// - Parameters:
///   - logSoftAttention: `[B, T, N]` log of the soft attention (normalised over phonemes).
///   - durations: each utterance's hard durations; they sum to its mel length.
public func binarizationLoss(logSoftAttention: Tensor, durations: [[Int]]) -> Tensor {
    let (batch, frames) = (logSoftAttention.shape[0], logSoftAttention.shape[1])
    precondition(durations.count == batch && durations.allSatisfy { $0.reduce(0, +) <= frames },
                 "binarizationLoss: durations \(durations.map { $0.reduce(0, +) }) for scores \(logSoftAttention.shape)")
    var phonemeOfFrame = [Int](repeating: 0, count: batch * frames)
    var valid = [Float](repeating: 0, count: batch * frames)
    for (b, utterance) in durations.enumerated() {
        var t = b * frames
        for (n, duration) in utterance.enumerated() {
            for _ in 0..<duration {
                phonemeOfFrame[t] = n
                valid[t] = 1
                t += 1
            }
        }
    }
    // Padded frames gather phoneme 0 (always finite) and are then zeroed.
    let onPath = logSoftAttention.gather(axis: 2, phonemeOfFrame, shape: [batch, frames, 1])
        .reshaped([batch, frames])
    return -(onPath * Tensor(valid, shape: [batch, frames])).sum() / max(valid.reduce(0, +), 1)
}

/// When the binarization loss counts and how much (FastPitch's `kl_loss_start_epoch`,
/// `kl_loss_warmup_epochs`, `kl_loss_weight`, counted here in optimizer steps):
/// ```
/// w(step) = weight · clamp((step − start) / ramp, 0, 1)      (ramp 0: a step at start)
/// ```
/// Before `start` the hard alignment of a fresh aligner is noise; the ramp lets the soft
/// attention settle before it is pulled towards the path.
public struct BinarizationSchedule: Sendable, Equatable {
    public var start: Int
    public var ramp: Int
    public var weight: Float

    public init(start: Int, ramp: Int, weight: Float = 1) {
        self.start = start
        self.ramp = ramp
        self.weight = weight
    }

    public func weight(atStep step: Int) -> Float {
        guard step >= start else { return 0 }
        guard ramp > 0 else { return weight }
        return weight * min(Float(step - start) / Float(ramp), 1)
    }
}
