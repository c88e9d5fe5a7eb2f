import Foundation
import Testing
@testable import Tensor

@Suite("stft and istft")
struct SpectralTests {
    /// (nFFT, hop, winLength, signal length): powers of two and not, windows shorter than
    /// nFFT, odd lengths.
    static let geometries = [(64, 16, 64, 1001), (64, 16, 40, 777), (30, 7, 25, 333), (1024, 256, 1024, 8191),
                             (512, 50, 240, 4001), (2048, 240, 1200, 4000)]

    @Test("istft(stft(x)) = x to 1e-5", arguments: geometries)
    func roundTrip(geometry: (Int, Int, Int, Int)) {
        let (n, hop, win, length) = geometry
        let x = Tensor.uniform([3, length], low: -1, high: 1, seed: 11)
        let (re, im) = stft(x, nFFT: n, hop: hop, winLength: win)
        #expect(re.shape == [3, 1 + length / hop, n / 2 + 1] && im.shape == re.shape)
        let y = istft(real: re, imag: im, nFFT: n, hop: hop, winLength: win, length: length)
        #expect(y.shape == x.shape)
        let error = zip(y.scalars, x.scalars).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-5, "max |istft(stft(x)) − x| = \(error)")
    }

    @Test("stft is the windowed DFT of reflect-padded frames")
    func definition() {
        let (n, hop, win, length) = (12, 5, 9, 23)
        let x = randn([2, length], seed: 3)
        let (re, im) = stft(x, nFFT: n, hop: hop, winLength: win)
        let frames = 1 + length / hop, bins = n / 2 + 1, offset = (n - win) / 2
        let xs = x.scalars
        var expectedRe = [Float](), expectedIm = [Float]()
        for b in 0..<2 { for t in 0..<frames { for k in 0..<bins {
            var sr = 0.0, si = 0.0
            for m in 0..<win {
                var j = t * hop + offset + m - n / 2
                j = j < 0 ? -j : (j >= length ? 2 * (length - 1) - j : j)
                let w = 0.5 - 0.5 * cos(2 * Double.pi * Double(m) / Double(win))
                let angle = 2 * Double.pi * Double((offset + m) * k) / Double(n)
                sr += w * Double(xs[b * length + j]) * cos(angle)
                si -= w * Double(xs[b * length + j]) * sin(angle)
            }
            expectedRe.append(Float(sr)); expectedIm.append(Float(si))
        } } }
        expectClose(re.scalars, expectedRe)
        expectClose(im.scalars, expectedIm)
    }

    @Test("stft gradients check", arguments: [(8, 3, 8, 13), (9, 2, 6, 10)])
    func stftGradients(geometry: (Int, Int, Int, Int)) {
        let (n, hop, win, length) = geometry
        expectGradients([randn([2, length], seed: 5)]) {
            let (re, im) = stft($0[0], nFFT: n, hop: hop, winLength: win)
            return Tensor.concat([re, im], axis: 2)
        }
    }

    @Test("istft gradients check, also with a longer output", arguments: [nil, 20] as [Int?])
    func istftGradients(length: Int?) {
        let re = randn([2, 4, 5], seed: 6), im = randn([2, 4, 5], seed: 7)
        expectGradients([re, im]) { istft(real: $0[0], imag: $0[1], nFFT: 8, hop: 3, winLength: 6, length: length) }
    }
}
