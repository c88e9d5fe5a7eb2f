import Foundation
import Tensor

extension MelSpectrogram {
    /// The non-negative linear spectrogram whose mel projection best matches `mel`, as the
    /// STFT magnitude (librosa.feature.inverse.mel_to_stft): solve, for every frame at once,
    ///
    ///     X = argmin_{X ≥ 0} ½‖W·X - M‖²,   then return X^(1/power)
    ///
    /// Why NNLS and not the pseudo-inverse: `W⁺·M` has negative entries wherever neighbouring
    /// bands differ, which are not energies (librosa clips them, losing the fit); the
    /// constrained solution is a spectrum and fits the mel better. Solved by FISTA (projected
    /// gradient with Nesterov momentum, Beck & Teboulle 2009) with step `1/L`,
    /// `L = λ_max(W·Wᵀ)`, from zero, for a fixed number of `iterations` (deterministic;
    /// every iteration is two matrix products over all frames).
    public func inverse(_ mel: Spectrogram, iterations: Int = 200) throws -> Spectrogram {
        let (nMels, bins, frames) = (filterbank.nMels, filterbank.bins, mel.frames)
        try AudioError.require(mel.rows == nMels, "n_mels", mel.rows,
                               "the mel spectrogram must have \(nMels) bands like the filterbank")
        try AudioError.require(iterations >= 1, "iterations", iterations, "must be at least 1")
        let step = 1 / largestEigenvalueOfGram()
        var x = [Float](repeating: 0, count: bins * frames)
        var y = x, gradient = x
        var residual = [Float](repeating: 0, count: nMels * frames)
        var t: Float = 1
        filterbank.weights.withUnsafeBufferPointer { w in
            for _ in 0..<iterations {
                // residual = W·Y - M; gradient = Wᵀ·residual
                residual.withUnsafeMutableBufferPointer { r in
                    mel.values.withUnsafeBufferPointer { r.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                    y.withUnsafeBufferPointer { yp in
                        gemm(w.baseAddress!, yp.baseAddress!, r.baseAddress!, m: nMels, n: frames, k: bins,
                             beta: -1)
                    }
                    gradient.withUnsafeMutableBufferPointer { g in
                        gemm(w.baseAddress!, transposeA: true, r.baseAddress!, g.baseAddress!,
                             m: bins, n: frames, k: nMels)
                    }
                }
                let next = (1 + (1 + 4 * t * t).squareRoot()) / 2
                let momentum = (t - 1) / next
                for i in x.indices {
                    let updated = max(0, y[i] - step * gradient[i])
                    y[i] = updated + momentum * (updated - x[i])
                    x[i] = updated
                }
                t = next
            }
        }
        if power != 1 {
            let exponent = 1 / power
            for i in x.indices { x[i] = powf(x[i], exponent) }
        }
        return Spectrogram(rows: bins, frames: frames, values: x)
    }

    /// λ_max(W·Wᵀ) by power iteration (the Lipschitz constant of the NNLS gradient).
    private func largestEigenvalueOfGram() -> Float {
        let (nMels, bins) = (filterbank.nMels, filterbank.bins)
        var gram = [Float](repeating: 0, count: nMels * nMels)
        filterbank.weights.withUnsafeBufferPointer { w in
            gram.withUnsafeMutableBufferPointer { g in
                gemm(w.baseAddress!, w.baseAddress!, transposeB: true, g.baseAddress!,
                     m: nMels, n: nMels, k: bins)
            }
        }
        var v = [Double](repeating: 1 / Double(nMels).squareRoot(), count: nMels)
        var eigenvalue = 0.0
        for _ in 0..<100 {
            var next = [Double](repeating: 0, count: nMels)
            for i in 0..<nMels {
                for j in 0..<nMels { next[i] += Double(gram[i * nMels + j]) * v[j] }
            }
            eigenvalue = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if eigenvalue == 0 { return 1 }
            v = next.map { $0 / eigenvalue }
        }
        return Float(eigenvalue) * 1.01  // a margin: the step must stay below 1/L
    }
}
