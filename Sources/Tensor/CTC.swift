import Foundation

extension Tensor {
    /// Connectionist temporal classification loss per sequence (Graves et al. 2006;
    /// `torch.nn.functional.ctc_loss(reduction: "none", zero_infinity: true)`): the negative
    /// log of the total probability of all frame-level paths that collapse to the target.
    ///
    /// `self` holds log-probabilities `y` `[B, T, C]` (normally a log-softmax over classes);
    /// sequence `b` uses its first `inputLengths[b]` frames and has target `l` (classes other
    /// than `blank`). With the extended target `l′ = (blank, l₁, blank, l₂, …, l_L, blank)`,
    /// `S = 2L + 1`, the forward-backward recursion runs in log space (Double):
    /// ```
    /// α₀(0) = y₀(blank),  α₀(1) = y₀(l₁)
    /// α_t(s) = y_t(l′ₛ) + logΣexp(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l′ₛ ≠ blank, l′ₛ ≠ l′ₛ₋₂)
    /// β likewise from the last frame, emissions included
    /// loss_b = −logΣexp(α_{T−1}(S−1), α_{T−1}(S−2))
    /// ∂loss_b/∂y_t(k) = −Σ_{s: l′ₛ = k} exp(α_t(s) + β_t(s) − y_t(k) + loss_b)     (t < T_b)
    /// ```
    /// The gradient is the true one for any `y` (PyTorch's own backward returns
    /// `exp(y) − γ`, which equals this only after a log-softmax's backward). A sequence too
    /// short for its target has an infinite loss: it counts as 0 with no gradient, like
    /// `zero_infinity`. Cost O(B·T·L); sequences run in parallel.
    ///
    /// - Returns: the losses `[B]`.
    public func ctcLoss(targets: [[Int]], inputLengths: [Int], blank: Int = 0) -> Tensor {
        tensorCheck(rank == 3, "ctcLoss: log-probabilities must be [batch, frames, classes], got \(shape)")
        let (batch, frames, classes) = (shape[0], shape[1], shape[2])
        tensorCheck(targets.count == batch && inputLengths.count == batch,
                    "ctcLoss: \(targets.count) targets and \(inputLengths.count) lengths for a batch of \(batch)")
        tensorCheck(0 <= blank && blank < classes, "ctcLoss: blank \(blank) is not a class of \(classes)")
        for (b, target) in targets.enumerated() {
            tensorCheck(0 <= inputLengths[b] && inputLengths[b] <= frames,
                        "ctcLoss: sequence \(b) has \(inputLengths[b]) frames, the tensor \(frames)")
            tensorCheck(target.allSatisfy { 0 <= $0 && $0 < classes && $0 != blank },
                        "ctcLoss: target \(b) has a label that is the blank or not one of \(classes) classes")
        }
        let wantsGradient = GradMode.isEnabled && requiresGrad
        let losses = Tensor.zeros([batch])
        let gradient = wantsGradient ? Tensor.zeros(shape) : nil
        let y = data, lossData = losses.data, gradData = gradient?.data
        Parallel.forChunks(batch, minimumChunk: 1) { _, range in
            for b in range {
                let offset = b * frames * classes
                lossData[b] = CTCKernel.sequence(y + offset, classes: classes, frames: inputLengths[b],
                                                 target: targets[b], blank: blank,
                                                 gradient: gradData.map { $0 + offset })
            }
        }
        return Tensor.record(losses, op: "ctcLoss", inputs: [self]) { _, g in
            guard let gradient else { return [nil] }
            let out = Tensor(uninitialized: gradient.shape)
            let frameValues = frames * classes, source = gradient.data, scales = g.data, target = out.data
            Parallel.forChunks(batch, minimumChunk: 1) { _, range in
                for b in range {
                    let scale = scales[b], offset = b * frameValues
                    for i in offset..<offset + frameValues { target[i] = source[i] * scale }
                }
            }
            return [out]
        }
    }
}

/// The forward-backward recursion of one sequence.
enum CTCKernel {
    /// `log(e^a + e^b + e^c)`, exact for −∞ operands (one log, two exps).
    @inline(__always)
    static func logSumExp(_ a: Double, _ b: Double, _ c: Double = -.infinity) -> Double {
        let m = Swift.max(a, b, c)
        guard m > -.infinity else { return m }
        return m + Foundation.log(Foundation.exp(a - m) + Foundation.exp(b - m) + Foundation.exp(c - m))
    }

    /// The loss of one sequence (0 if impossible); writes `∂loss/∂y` into `gradient` rows
    /// `0..<frames` when given (already zero).
    ///
    /// Runs the recursions on probabilities rescaled at every frame (Rabiner's scaled
    /// forward-backward): one `exp` per frame and class, then only multiply-adds, about ten
    /// times faster than three `exp`s and a `log` per state in the log domain. When an
    /// emission is so far below its frame's best that its probability underflows, and a path
    /// the log domain would still count is lost, it falls back to ``logDomainSequence``.
    static func sequence(_ y: UnsafePointer<Float>, classes: Int, frames: Int, target: [Int], blank: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> Float {
        if let loss = scaledSequence(y, classes: classes, frames: frames, target: target, blank: blank, gradient: gradient) {
            return loss
        }
        gradient?.update(repeating: 0, count: frames * classes)   // the scaled pass may have written some rows
        return logDomainSequence(y, classes: classes, frames: frames, target: target, blank: blank, gradient: gradient)
    }

    /// The scaled recursion: with `ê_t(k) = exp(y_t(k) − max_k y_t(k))`,
    /// ```
    /// α̂_t(s) = (α̂_{t−1}(s) + α̂_{t−1}(s−1) [+ α̂_{t−1}(s−2)]) · ê_t(l′ₛ) / c_t,   c_t making Σₛ α̂_t(s) = 1
    /// log p = Σ_t (max_k y_t(k) + log c_t) + log(α̂_{T−1}(S−1) + α̂_{T−1}(S−2))
    /// γ_t(s) = α̂_t(s) β̂_t(s) / ê_t(l′ₛ), normalised over s (each frame is in one state)
    /// ```
    /// (β̂ likewise backwards); `∂loss/∂y_t(k) = −Σ_{s: l′ₛ = k} γ_t(s)`. Nil when a scale
    /// or the final sum underflows to 0 (the caller then uses the log domain).
    static func scaledSequence(_ y: UnsafePointer<Float>, classes: Int, frames: Int, target: [Int], blank: Int,
                               gradient: UnsafeMutablePointer<Float>?) -> Float? {
        let states = 2 * target.count + 1
        guard frames > 0 else { return 0 }
        if frames < target.count { return 0 }   // too short for its target: no path (zero_infinity)
        let label = (0..<states).map { $0 % 2 == 0 ? blank : target[$0 / 2] }
        let skips = (0..<states).map { $0 >= 2 && label[$0] != blank && label[$0] != label[$0 - 2] }
        // ê_t(k) for the classes the states use (one exp per class, not per state: the blank
        // fills half the states), spread over the states, and each frame's log scale so far.
        let used = Array(Set(label)).sorted()
        let usedIndex = Dictionary(uniqueKeysWithValues: used.enumerated().map { ($1, $0) })
        let stateClass = label.map { usedIndex[$0]! }
        var classEmission = [Double](repeating: 0, count: used.count)
        var emission = [Double](repeating: 0, count: frames * states)
        var logScale = 0.0
        for t in 0..<frames {
            let row = y + t * classes
            var best = -Double.infinity
            for k in used { best = Swift.max(best, Double(row[k])) }
            guard best > -.infinity else { return nil }
            for (i, k) in used.enumerated() { classEmission[i] = Foundation.exp(Double(row[k]) - best) }
            for s in 0..<states { emission[t * states + s] = classEmission[stateClass[s]] }
            logScale += best
        }
        var alpha = [Double](repeating: 0, count: frames * states)
        alpha[0] = emission[0]
        if states > 1 { alpha[1] = emission[1] }
        for t in 0..<frames {
            let current = t * states
            if t > 0 {
                let previous = current - states
                for s in 0..<states {
                    var total = alpha[previous + s]
                    if s >= 1 { total += alpha[previous + s - 1] }
                    if skips[s] { total += alpha[previous + s - 2] }
                    alpha[current + s] = total * emission[current + s]
                }
            }
            var sum = 0.0
            for s in 0..<states { sum += alpha[current + s] }
            guard sum > 0, sum.isFinite else { return nil }
            for s in 0..<states { alpha[current + s] /= sum }
            logScale += Foundation.log(sum)
        }
        let last = (frames - 1) * states
        let final = alpha[last + states - 1] + (states > 1 ? alpha[last + states - 2] : 0)
        guard final > 0 else { return nil }
        let logLikelihood = logScale + Foundation.log(final)
        guard let gradient else { return Float(-logLikelihood) }

        var beta = [Double](repeating: 0, count: frames * states)
        beta[last + states - 1] = emission[last + states - 1]
        if states > 1 { beta[last + states - 2] = emission[last + states - 2] }
        for t in stride(from: frames - 1, through: 0, by: -1) {
            let current = t * states
            if t < frames - 1 {
                let next = current + states
                for s in 0..<states {
                    var total = beta[next + s]
                    if s + 1 < states { total += beta[next + s + 1] }
                    if s + 2 < states && skips[s + 2] { total += beta[next + s + 2] }
                    beta[current + s] = total * emission[current + s]
                }
            }
            var sum = 0.0
            for s in 0..<states { sum += beta[current + s] }
            guard sum > 0, sum.isFinite else { return nil }
            for s in 0..<states { beta[current + s] /= sum }
        }
        var posterior = [Double](repeating: 0, count: states)
        for t in 0..<frames {
            let current = t * states
            var sum = 0.0
            for s in 0..<states {
                let e = emission[current + s]
                posterior[s] = e > 0 ? alpha[current + s] * beta[current + s] / e : 0
                sum += posterior[s]
            }
            guard sum > 0 else { return nil }
            let row = gradient + t * classes
            for s in 0..<states where posterior[s] > 0 { row[label[s]] -= Float(posterior[s] / sum) }
        }
        return Float(-logLikelihood)
    }

    /// The recursion in the log domain, exact for any emissions (the fallback of ``sequence``).
    static func logDomainSequence(_ y: UnsafePointer<Float>, classes: Int, frames: Int, target: [Int], blank: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> Float {
        let states = 2 * target.count + 1
        guard frames > 0 else { return 0 }
        let label = (0..<states).map { $0 % 2 == 0 ? blank : target[$0 / 2] }
        // Whether state s may be entered from s − 2 (skipping a blank between two different labels).
        let skips = (0..<states).map { $0 >= 2 && label[$0] != blank && label[$0] != label[$0 - 2] }
        func emission(_ t: Int, _ s: Int) -> Double { Double(y[t * classes + label[s]]) }

        var alpha = [Double](repeating: -.infinity, count: frames * states)
        alpha[0] = emission(0, 0)
        if states > 1 { alpha[1] = emission(0, 1) }
        for t in 1..<frames {
            let previous = (t - 1) * states
            for s in 0..<states {
                let total = logSumExp(alpha[previous + s], s >= 1 ? alpha[previous + s - 1] : -.infinity,
                                      skips[s] ? alpha[previous + s - 2] : -.infinity)
                alpha[t * states + s] = total == -.infinity ? total : total + emission(t, s)
            }
        }
        let last = (frames - 1) * states
        let logLikelihood = logSumExp(alpha[last + states - 1], states > 1 ? alpha[last + states - 2] : -.infinity)
        guard logLikelihood > -.infinity else { return 0 }
        guard let gradient else { return Float(-logLikelihood) }

        var beta = [Double](repeating: -.infinity, count: frames * states)
        beta[last + states - 1] = emission(frames - 1, states - 1)
        if states > 1 { beta[last + states - 2] = emission(frames - 1, states - 2) }
        for t in stride(from: frames - 2, through: 0, by: -1) {
            let next = (t + 1) * states
            for s in 0..<states {
                let total = logSumExp(beta[next + s], s + 1 < states ? beta[next + s + 1] : -.infinity,
                                      s + 2 < states && skips[s + 2] ? beta[next + s + 2] : -.infinity)
                beta[t * states + s] = total == -.infinity ? total : total + emission(t, s)
            }
        }
        for t in 0..<frames {
            for s in 0..<states {
                let path = alpha[t * states + s] + beta[t * states + s] - emission(t, s) - logLikelihood
                // Unreachable states give −∞ (or NaN from −∞ − −∞): no share of the gradient.
                if path > -.infinity { gradient[t * classes + label[s]] -= Float(Foundation.exp(path)) }
            }
        }
        return Float(-logLikelihood)
    }
}
