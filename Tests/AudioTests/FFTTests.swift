@testable import Audio
import Foundation
import Seeded
import Testing

/// The real FFT against a direct O(N²) DFT in double precision, for power-of-two sizes
/// (Stockham), even sizes with an odd half (Bluestein inside the packing) and odd sizes.
@Test(arguments: [2, 4, 8, 32, 512, 1024, 6, 12, 100, 7, 15, 1000])
func realFFTMatchesDirectDFT(size: Int) throws {
    let fft = try RealFFT(size: size)
    let buffers = fft.makeBuffers()
    var rng = SplitMix64(seed: UInt64(size))
    let lanes = FFTLanes.scalarCount
    let signals = (0..<lanes).map { _ in (0..<size).map { _ in Float.random(in: -1...1, using: &rng) } }
    for n in 0..<size { buffers.signal[n] = FFTLanes((0..<lanes).map { signals[$0][n] }) }
    fft.forward(buffers)

    var worst = 0.0, scale = 0.0
    for lane in 0..<lanes {
        for k in 0..<fft.bins {
            var (re, im) = (0.0, 0.0)
            for n in 0..<size {
                let angle = -2 * Double.pi * Double(n * k % size) / Double(size)
                re += Double(signals[lane][n]) * cos(angle)
                im += Double(signals[lane][n]) * sin(angle)
            }
            worst = max(worst, abs(Double(buffers.re[k][lane]) - re), abs(Double(buffers.im[k][lane]) - im))
            scale = max(scale, hypot(re, im))
        }
    }
    #expect(worst / scale < 2e-6, "size \(size): max error \(worst) of \(scale)")

    fft.inverse(buffers)
    var roundTrip = 0.0
    for lane in 0..<lanes {
        for n in 0..<size { roundTrip = max(roundTrip, Double(abs(buffers.signal[n][lane] - signals[lane][n]))) }
    }
    #expect(roundTrip < 1e-5, "size \(size): inverse(forward(x)) differs from x by \(roundTrip)")
}

@Test func realFFTRejectsSizesBelowTwo() {
    #expect(throws: AudioError.self) { try RealFFT(size: 1) }
}

/// Buffers made for another size give a wrong transform, or (smaller buffers) writes out of
/// bounds: a precondition stops both (here the case that would otherwise pass silently).
@Test func buffersOfAnotherSizeAreRefused() async {
    await #expect(processExitsWith: .failure) {
        try RealFFT(size: 4).forward(RealFFT(size: 64).makeBuffers())
    }
}
