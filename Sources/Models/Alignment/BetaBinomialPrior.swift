import Foundation
import Tensor

/// The alignment prior of "One TTS Alignment To Rule Them All" (FastPitch's
/// `beta_binomial_prior_distribution`): frame `t` of `T` expects to be near phoneme
/// `N·t/T`, with a spread that is widest mid-utterance. For mel frame `i = t + 1`:
/// ```
/// P(n | i) = BetaBinomial(n; N, α = s·i, β = s·(T + 1 − i)),   n = 0 … N − 1
///          = C(N, n) · B(n + α, N − n + β) / B(α, β)
/// log B(x, y) = lgamma(x) + lgamma(y) − lgamma(x + y)
/// ```
/// (`s` the scaling factor; the support `0 … N` has one more value than there are
/// phonemes, so rows sum to slightly less than 1, as in FastPitch). The aligner adds
/// `weight · log(P + floor)` to its attention log-probabilities; FastPitch's floor 1e-8
/// keeps an off-diagonal frame from being vetoed outright (its log is at least −18.4).
public enum BetaBinomialPrior {
    /// `log(P(n | t) + floor)`, row-major `[melLength, textLength]`, computed in Double.
    public static func logProbabilities(textLength: Int, melLength: Int, scaling: Double = 1,
                                        floor: Double = 1e-8) -> [Float] {
        precondition(textLength > 0 && melLength > 0 && scaling > 0,
                     "BetaBinomialPrior: text length \(textLength), mel length \(melLength), scaling \(scaling)")
        let n = Double(textLength)
        func logBeta(_ x: Double, _ y: Double) -> Double { lgamma(x) + lgamma(y) - lgamma(x + y) }
        let logChoose = (0..<textLength).map { k in
            lgamma(n + 1) - lgamma(Double(k) + 1) - lgamma(n - Double(k) + 1)
        }
        var out = [Float](repeating: 0, count: melLength * textLength)
        for t in 0..<melLength {
            let alpha = scaling * Double(t + 1), beta = scaling * Double(melLength - t)
            let normaliser = logBeta(alpha, beta)
            for k in 0..<textLength {
                let logP = logChoose[k] + logBeta(Double(k) + alpha, n - Double(k) + beta) - normaliser
                out[t * textLength + k] = Float(floor > 0 ? Foundation.log(exp(logP) + floor) : logP)
            }
        }
        return out
    }

    /// The log prior of a padded batch, `[B, maxMel, maxText]`; zero outside each utterance
    /// (the aligner masks padded phonemes and ignores padded frames).
    public static func batch(textLengths: [Int], melLengths: [Int], maxText: Int, maxMel: Int,
                             scaling: Double = 1, floor: Double = 1e-8) -> Tensor {
        var values = [Float](repeating: 0, count: textLengths.count * maxMel * maxText)
        for (b, (n, t)) in zip(textLengths, melLengths).enumerated() {
            let prior = logProbabilities(textLength: n, melLength: t, scaling: scaling, floor: floor)
            for frame in 0..<t {
                let row = (b * maxMel + frame) * maxText
                values.replaceSubrange(row..<row + n, with: prior[frame * n..<(frame + 1) * n])
            }
        }
        return Tensor(values, shape: [textLengths.count, maxMel, maxText])
    }
}
