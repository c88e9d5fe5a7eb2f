import Tensor

/// How far the frame-to-frame phase advance of `predicted`'s STFT is from `target`'s, weighted
/// by the target's energy: APNet's instantaneous-angular-frequency loss (Ai & Ling 2023) in a
/// smooth form that needs no phase unwrapping.
///
/// ```
/// X = stft(x) (centred, periodic Hann of nFFT)        a[t, k] = X̂[t, k]·conj X̂[t−1, k]
/// b[t, k] = X[t, k]·conj X[t−1, k]                     (target; |b| weighs each bin)
/// loss = Σ |b|·(1 − cos(arg a − arg b)) / Σ |b|  =  (Σ |b| − Σ Re(a·conj b)/|a|) / Σ |b|     ∈ [0, 2]
/// ```
/// Why: magnitude losses (mel, MR-STFT) leave the phase of each frame to be inferred, and an
/// iSTFT vocoder that has not learnt how a partial's phase advances from frame to frame
/// restarts it every hop: it buzzes at the frame rate (`sr/hop`, 86 Hz at 22050/256), which
/// a pitch tracker takes for the pitch and which puts the low harmonics in the wrong bins. The
/// advance is what a partial's frequency dictates, so it can be learnt from the mel frames,
/// where the absolute phase (the glottal epochs' positions) could not. Segments are aligned
/// with their recordings sample for sample, so the target's advance is the one to match.
/// `|a|` is floored at 1e-3 so a silent prediction keeps a finite gradient.
public func phaseAdvanceLoss(_ predicted: Tensor, _ target: Tensor, nFFT: Int, hop: Int) -> Tensor {
    let (pr, pi) = stft(predicted, nFFT: nFFT, hop: hop)
    let (tr, ti) = noGrad { stft(target, nFFT: nFFT, hop: hop) }
    let frames = pr.shape[1]
    /// `X[t]·conj X[t−1]` for t = 1 … frames − 1, as (real, imaginary).
    func advance(_ re: Tensor, _ im: Tensor) -> (Tensor, Tensor) {
        let (r1, i1) = (re.slice(axis: 1, 1..<frames), im.slice(axis: 1, 1..<frames))
        let (r0, i0) = (re.slice(axis: 1, 0..<(frames - 1)), im.slice(axis: 1, 0..<(frames - 1)))
        return (r1 * r0 + i1 * i0, i1 * r0 - r1 * i0)
    }
    let (ar, ai) = advance(pr, pi)
    let (br, bi) = noGrad { advance(tr, ti) }
    let weight = noGrad { (br * br + bi * bi).sqrt() }
    let total = noGrad { weight.sum() }.clamped(min: 1e-12)
    let agreement = (ar * br + ai * bi) / (ar * ar + ai * ai).clamped(min: 1e-6).sqrt()
    return (total - agreement.sum()) / total
}
