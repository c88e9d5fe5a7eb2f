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
    ///
    /// Every `lgamma` of a row but three comes from its neighbour by `lgamma(x + 1) =
    /// lgamma(x) + log(x)`, so a row costs three `lgamma`s and a `log`, `exp` and `log` per
    /// phoneme: the prior is computed for every batch, and three `lgamma`s per element made it
    /// most of the aligner's time.
    public static func logProbabilities(textLength: Int, melLength: Int, scaling: Double = 1,
                                        floor: Double = 1e-8) -> [Float] {
        precondition(textLength > 0 && melLength > 0 && scaling > 0,
                     "BetaBinomialPrior: text length \(textLength), mel length \(melLength), scaling \(scaling)")
        let n = Double(textLength)
        let logChoose = (0..<textLength).map { k in
            lgamma(n + 1) - lgamma(Double(k) + 1) - lgamma(n - Double(k) + 1)
        }
        var out = [Float](repeating: 0, count: melLength * textLength)
        var fromAlpha = [Double](repeating: 0, count: textLength + 1)   // lgamma(α + m), m = 0 … N
        var fromBeta = fromAlpha                                        // lgamma(β + m)
        for t in 0..<melLength {
            let alpha = scaling * Double(t + 1), beta = scaling * Double(melLength - t)
            fromAlpha[0] = lgamma(alpha)
            fromBeta[0] = lgamma(beta)
            for m in 1...textLength {
                fromAlpha[m] = fromAlpha[m - 1] + Foundation.log(alpha + Double(m - 1))
                fromBeta[m] = fromBeta[m - 1] + Foundation.log(beta + Double(m - 1))
            }
            // log B(k + α, N − k + β) − log B(α, β), the lgamma(α + β + N) and lgamma(α + β) terms shared.
            let shared: Double = lgamma(alpha + beta) - lgamma(n + alpha + beta) - fromAlpha[0] - fromBeta[0]
            for k in 0..<textLength {
                let logP: Double = logChoose[k] + fromAlpha[k] + fromBeta[textLength - k] + shared
                out[t * textLength + k] = Float(floor > 0 ? Foundation.log(exp(logP) + floor) : logP)
            }
        }
        return out
    }

    /// The log prior of a padded batch, `[B, maxMel, maxText]`; zero outside each utterance
    /// (the aligner masks padded phonemes and ignores padded frames). Each utterance's prior
    /// comes from ``cache`` when its lengths were seen before.
    public static func batch(textLengths: [Int], melLengths: [Int], maxText: Int, maxMel: Int,
                             scaling: Double = 1, floor: Double = 1e-8) -> Tensor {
        // Utterances in parallel, each into its own array, then copied into the padded batch.
        let priors = PerUtterance(count: textLengths.count)
        Parallel.forChunks(textLengths.count, minimumChunk: 1) { _, utterances in
            for b in utterances {
                let key = PriorCache.Key(textLength: textLengths[b], melLength: melLengths[b], scaling: scaling, floor: floor)
                priors.set(b, cache.prior(key) {
                    logProbabilities(textLength: key.textLength, melLength: key.melLength, scaling: scaling, floor: floor)
                })
            }
        }
        var values = [Float](repeating: 0, count: textLengths.count * maxMel * maxText)
        for (b, prior) in priors.values.enumerated() {
            let (n, t) = (textLengths[b], melLengths[b])
            for frame in 0..<t {
                let row = (b * maxMel + frame) * maxText
                values.replaceSubrange(row..<row + n, with: prior[frame * n..<(frame + 1) * n])
            }
        }
        return Tensor(values, shape: [textLengths.count, maxMel, maxText])
    }

    /// The priors computed so far, by lengths: training meets every utterance's lengths once
    /// an epoch, and computing a prior costs a `log`, `exp` and `log` per element (FastPitch
    /// caches them on disk for the same reason). Bounded, so a large corpus keeps only its first
    /// 64 MiB of priors.
    static let cache = PriorCache(capacity: 16 << 20)
}

/// A thread-safe store of priors by lengths, holding at most `capacity` floats in all.
final class PriorCache: @unchecked Sendable {
    struct Key: Hashable {
        let textLength: Int, melLength: Int
        let scaling: Double, floor: Double
    }

    private let lock = NSLock()
    private var priors: [Key: [Float]] = [:]
    private var floats = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// The prior of `key`, made by `make` (outside the lock) when not stored.
    func prior(_ key: Key, make: () -> [Float]) -> [Float] {
        if let stored = lock.withLock({ priors[key] }) { return stored }
        let prior = make()
        lock.withLock {
            if priors[key] == nil, floats + prior.count <= capacity {
                priors[key] = prior
                floats += prior.count
            }
        }
        return prior
    }
}

/// The priors of a batch's utterances, filled from several threads (one lock per utterance).
private final class PerUtterance: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [[Float]]

    init(count: Int) { values = Array(repeating: [], count: count) }

    func set(_ index: Int, _ prior: [Float]) { lock.withLock { values[index] = prior } }
}
