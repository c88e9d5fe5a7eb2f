import Testing
import Tensor
@testable import NN

/// stft, istft and the multi-resolution STFT loss against PyTorch (scripts/fixtures/spectral.py).
@Suite struct SpectralLossTests {
    @Test("stft matches torch.stft and istft matches torch.istft", arguments: ["n64_h16", "n64_h16_w40", "n30_h7_w25"])
    func matchesTorch(_ name: String) throws {
        let r = try Reference("spectral_stft")
        let config = try #require(r.config[name] as? [String: Int])
        let (n, hop, win) = (config["nFFT"]!, config["hop"]!, config["winLength"]!)
        let (re, im) = stft(try r.tensor("signal"), nFFT: n, hop: hop, winLength: win)
        try r.expectClose(re, "\(name).real", tolerance: 1e-5)
        try r.expectClose(im, "\(name).imag", tolerance: 1e-5)
        let y = istft(real: try r.tensor("\(name).istft_real"), imag: try r.tensor("\(name).istft_imag"),
                      nFFT: n, hop: hop, winLength: win)
        try r.expectClose(y, "\(name).istft", tolerance: 1e-5)
    }

    @Test("multi-resolution STFT loss and its gradient match Parallel WaveGAN's in PyTorch")
    func multiResolutionMatchesTorch() throws {
        let r = try Reference("mr_stft_loss")
        let predicted = try r.tensor("predicted", requiresGrad: true)
        let loss = try multiResolutionSTFTLoss(predicted, try r.tensor("target"))
        try r.expectClose(loss.spectralConvergence, "spectral_convergence", tolerance: 1e-5)
        try r.expectClose(loss.logMagnitude, "log_magnitude", tolerance: 1e-5)
        loss.total.backward()
        try r.expectClose(predicted.grad, "grad_predicted", tolerance: 1e-3)
    }

    /// Steps of 1e-3, not the default 1e-2: larger ones cross the kinks of the L1 term and the
    /// steep √ of near-zero magnitudes.
    @Test("multi-resolution STFT loss gradients check on a tiny signal")
    func gradients() {
        let resolutions = [STFTResolution(nFFT: 16, hop: 4, winLength: 12), STFTResolution(nFFT: 8, hop: 2, winLength: 8)]
        let target = Tensor.randn([1, 24], seed: 2)
        let result = gradientCheck([Tensor.randn([1, 24], seed: 1)], epsilon: 1e-3) {
            try! multiResolutionSTFTLoss($0[0], target, resolutions: resolutions).total
        }
        #expect(result.passed, "\(result)")
    }

    /// Zero up to rounding, not exactly: the two STFTs are separate GEMMs, and OpenBLAS rounds
    /// differently when another test changes `Parallel.threadCount` between them.
    @Test("the loss is zero for identical signals' log magnitudes and positive otherwise")
    func identical() throws {
        let x = Tensor.randn([2, 3000], seed: 4)
        let same = try multiResolutionSTFTLoss(x, x)
        #expect(same.spectralConvergence.item() < 1e-5 && same.logMagnitude.item() < 1e-5)
        #expect(try multiResolutionSTFTLoss(x * 0.5, x).total.item() > 0.1)
    }
}
