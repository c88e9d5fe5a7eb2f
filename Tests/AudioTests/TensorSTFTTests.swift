import Audio
import Seeded
import Tensor
import Testing

/// Tensor's differentiable `stft` (the one vocoder heads and losses train through) and Audio's
/// `STFT` (librosa's) share window, padding and frame conventions.
@Test(arguments: [(1024, 256, 1024), (400, 100, 300), (255, 64, 200)])
func tensorSTFTMatchesAudioSTFT(nFFT: Int, hop: Int, win: Int) throws {
    var rng = SplitMix64(seed: 3)
    let signal = (0..<3001).map { _ in Float.random(in: -1...1, using: &rng) }
    let expected = try STFT(nFFT: nFFT, hopLength: hop, winLength: win, padMode: .reflect)(signal)
    let (re, im) = stft(Tensor(signal, shape: [1, signal.count]), nFFT: nFFT, hop: hop, winLength: win)
    #expect(re.shape == [1, expected.frames, expected.bins])
    // Audio's layout is [bins, frames], Tensor's [B, frames, bins].
    let (real, imag) = (re.scalars, im.scalars)
    var worst: Float = 0
    for k in 0..<expected.bins {
        for t in 0..<expected.frames {
            let i = k * expected.frames + t, j = t * expected.bins + k
            worst = max(worst, abs(real[j] - expected.real[i]), abs(imag[j] - expected.imag[i]))
        }
    }
    #expect(worst < 2e-4, "largest difference \(worst)")
}
