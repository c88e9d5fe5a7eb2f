@testable import Audio
import Foundation
import Seeded
import Testing

@Test func stftMagnitudeMatchesLibrosa() throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let expected = try readNumPy(try fixture("stft_1024_256.npy"))
    let stft = try STFT(nFFT: 1024, hopLength: 256)
    let magnitude = try stft(signal).magnitude()
    #expect([magnitude.rows, magnitude.frames] == expected.shape)
    let error = relativeError(magnitude.values, expected.values)
    #expect(error < 1e-4, "relative error \(error)")
}

/// n_fft 400 is not a power of two (its half, 200, goes through Bluestein), with reflect padding.
@Test func stftWithReflectPaddingAndOddSizeMatchesLibrosa() throws {
    let signal = Array(try readNumPy(try fixture("signal.npy")).values.prefix(11025))
    let expected = try readNumPy(try fixture("stft_400_160_reflect.npy"))
    let stft = try STFT(nFFT: 400, hopLength: 160, padMode: .reflect)
    let magnitude = try stft(signal).magnitude()
    #expect([magnitude.rows, magnitude.frames] == expected.shape)
    let error = relativeError(magnitude.values, expected.values)
    #expect(error < 1e-4, "relative error \(error)")
}

@Test(arguments: [(1024, 256, true), (512, 128, false), (400, 100, true), (255, 64, true)])
func inverseSTFTReconstructsTheSignal(nFFT: Int, hop: Int, center: Bool) throws {
    var rng = SplitMix64(seed: 7)
    let signal = (0..<5000).map { _ in Float.random(in: -1...1, using: &rng) }
    let stft = try STFT(nFFT: nFFT, hopLength: hop, center: center)
    let rebuilt = try stft.inverse(try stft(signal), length: signal.count)
    #expect(rebuilt.count == signal.count)
    // Without centring, the edges are covered by fewer windows; compare the interior.
    let range = center ? 0..<signal.count : nFFT..<(signal.count - 2 * nFFT)
    let error = range.map { abs(rebuilt[$0] - signal[$0]) }.max()!
    #expect(error < 1e-4, "n_fft \(nFFT) hop \(hop): max error \(error)")
}

@Test func stftFrameCountFollowsLibrosa() throws {
    let stft = try STFT(nFFT: 1024, hopLength: 256)
    #expect(stft.frameCount(signalLength: 22050) == 1 + 22050 / 256)
    #expect(try STFT(nFFT: 1024, hopLength: 256, center: false).frameCount(signalLength: 2048) == 5)
    #expect(try stft([0.5]).frames == 1)
}

@Test func stftRejectsBadInput() throws {
    #expect(throws: AudioError.invalidParameter("hop_length", 0, "must be at least 1")) {
        try STFT(nFFT: 1024, hopLength: 0)
    }
    #expect(throws: AudioError.self) { try STFT(nFFT: 1) }
    let stft = try STFT(nFFT: 1024, hopLength: 256)
    #expect { try stft([]) } throws: { ($0 as? AudioError)?.message.contains("empty") == true }
    #expect(throws: AudioError.self) { try STFT(nFFT: 1024, center: false)([Float](repeating: 0, count: 100)) }
    #expect(throws: AudioError.self) { try STFT(nFFT: 1024, padMode: .reflect)([Float](repeating: 0, count: 100)) }
}
