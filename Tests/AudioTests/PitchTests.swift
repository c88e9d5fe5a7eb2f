import Foundation
import Testing
@testable import Audio

/// The settings of scripts/fixtures/make_pitch_fixtures.py.
func fixtureYIN() throws -> YIN {
    try YIN(sampleRate: 22050, fmin: 65, fmax: 1000, frameLength: 1024, hopLength: 256)
}

/// A sine of amplitude 0.5 at 22050 Hz.
func sineTone(_ hz: Double, seconds: Double = 0.5) -> [Float] {
    (0..<Int(seconds * 22050)).map { Float(0.5 * sin(2 * Double.pi * hz * Double($0) / 22050)) }
}

@Test(arguments: [("pitch_glide.npy", "yin_glide.npy"), ("pitch_noisy.npy", "yin_noisy.npy"),
                  ("signal.npy", "yin_speech.npy")])
func yinMatchesLibrosa(signal: String, expected: String) throws {
    let y = try readNumPy(fixture(signal)).values
    let want = try readNumPy(fixture(expected)).values
    let got = try fixtureYIN().track(y)
    #expect(got.count == want.count)
    var worst = 0.0
    for (a, b) in zip(got, want) { worst = max(worst, Double(abs(a - b) / b)) }
    #expect(worst < 1e-5, "worst per-frame relative F0 error \(worst)")
}

@Test func yinFindsTheFrequencyOfAPureTone() throws {
    let f0 = try fixtureYIN().track(sineTone(220))
    // Frames whose window lies wholly inside the tone. YIN's parabolic refinement of d' is
    // biased by up to ~0.4% here; librosa.yin gives 220.30 ... 220.91 Hz on the same frames.
    for t in 2..<(f0.count - 2) { #expect(abs(f0[t] - 220) < 1.1, "frame \(t): \(f0[t]) Hz") }
}

@Test func yinPicksTheFirstTroughBelowTheThresholdElseTheGlobalMinimum() {
    // Troughs at 1 (0.05) and 4 (0.02): the first below 0.1 wins over the deeper one.
    let c = [0.9, 0.05, 0.3, 0.5, 0.02, 0.4]
    let first = YIN.pickPeriod(c, threshold: 0.1)
    #expect(first.index == 1)
    #expect(abs(first.shift - -(0.3 - 0.9) / 2 / (0.3 + 0.9 - 0.1)) < 1e-12)
    // Nothing below 0.01: the global minimum, index 4.
    #expect(YIN.pickPeriod(c, threshold: 0.01).index == 4)
}

@Test func yinRejectsBadParametersAndSignals() throws {
    #expect(throws: AudioError.self) { try YIN(sampleRate: 22050, fmin: 500, fmax: 100) }
    #expect(throws: AudioError.self) { try YIN(sampleRate: 22050, fmin: 65, fmax: 20000) }
    #expect(throws: AudioError.self) { try YIN(sampleRate: 22050, fmin: 65, fmax: 1000, hopLength: 0) }
    // The period range would be empty: ⌊22050/1000⌋ = 22 ≥ frame_length - 1.
    #expect(throws: AudioError.self) { try YIN(sampleRate: 22050, fmin: 65, fmax: 1000, frameLength: 23) }
    #expect(throws: AudioError.self) { try fixtureYIN().track([]) }
}
