import Tensor

/// One analysis resolution of ``multiResolutionSTFTLoss(_:_:resolutions:)``: `winLength ≤ nFFT`
/// samples of periodic Hann window, zero-padded to `nFFT` in the middle (as `torch.stft` does).
public struct STFTResolution: Codable, Sendable, Equatable {
    public let nFFT: Int, hop: Int, winLength: Int

    public init(nFFT: Int, hop: Int, winLength: Int) {
        self.nFFT = nFFT; self.hop = hop; self.winLength = winLength
    }

    /// Parallel WaveGAN's three resolutions (its `MultiResolutionSTFTLoss` defaults).
    public static let parallelWaveGAN = [
        STFTResolution(nFFT: 1024, hop: 120, winLength: 600),
        STFTResolution(nFFT: 2048, hop: 240, winLength: 1200),
        STFTResolution(nFFT: 512, hop: 50, winLength: 240),
    ]
}

/// The two terms of the multi-resolution STFT loss, each averaged over the resolutions.
public struct SpectralLoss {
    public let spectralConvergence: Tensor
    public let logMagnitude: Tensor
    /// Their sum, the loss to minimise.
    public var total: Tensor { spectralConvergence + logMagnitude }
}

/// Parallel WaveGAN's multi-resolution STFT loss (Yamamoto et al. 2020) between waveforms
/// `predicted` and `target` `[B, L]`. Per resolution, with magnitudes clamped as PWG does:
/// ```
/// |S| = √max(re² + im², 1e-7)           (stft with center and reflect padding)
/// sc  = ‖|S_target| − |S_pred|‖_F / ‖|S_target|‖_F       (over the whole batch)
/// mag = mean |log |S_target| − log |S_pred||
/// ```
/// then both are averaged over `resolutions`. Throws if either is not finite.
public func multiResolutionSTFTLoss(_ predicted: Tensor, _ target: Tensor,
                                    resolutions: [STFTResolution] = STFTResolution.parallelWaveGAN) throws -> SpectralLoss {
    nnCheck(predicted.rank == 2 && predicted.shape == target.shape,
            "multiResolutionSTFTLoss: predicted \(predicted.shape) and target \(target.shape) should be the same [B, L]")
    nnCheck(!resolutions.isEmpty, "multiResolutionSTFTLoss: no resolution given")
    var sc: Tensor?, mag: Tensor?
    for r in resolutions {
        let p = stftMagnitude(predicted, resolution: r), t = stftMagnitude(target, resolution: r)
        let d = t - p
        let convergence = (d * d).sum().sqrt() / (t * t).sum().sqrt()
        let logDistance = (t.log() - p.log()).abs().mean()
        sc = sc.map { $0 + convergence } ?? convergence
        mag = mag.map { $0 + logDistance } ?? logDistance
    }
    let n = Float(resolutions.count)
    let loss = SpectralLoss(spectralConvergence: sc! / n, logMagnitude: mag! / n)
    try loss.spectralConvergence.checkFinite("multiResolutionSTFTLoss spectral convergence")
    try loss.logMagnitude.checkFinite("multiResolutionSTFTLoss log magnitude")
    return loss
}

/// `√max(re² + im², 1e-7)` of `x`'s STFT at resolution `r`, `[B, frames, bins]`: the floor keeps
/// the gradient finite where a bin is silent (PWG's clamp; spectrogram discriminators share it).
public func stftMagnitude(_ x: Tensor, resolution r: STFTResolution) -> Tensor {
    let (re, im) = stft(x, nFFT: r.nFFT, hop: r.hop, winLength: r.winLength)
    return (re * re + im * im).clamped(min: 1e-7).sqrt()
}
