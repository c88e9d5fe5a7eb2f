import Foundation
import Testing
@testable import Audio

/// The pYIN settings of scripts/fixtures/make_pitch_fixtures.py (evaluation's: 50–600 Hz).
func fixturePYIN() throws -> PYIN {
    try PYIN(sampleRate: 22050, fmin: 50, fmax: 600, frameLength: 1024, hopLength: 256)
}

@Test(arguments: ["glide", "noisy", "ambiguous", "speech"])
func pyinMatchesLibrosa(name: String) throws {
    let signal = try readNumPy(fixture(name == "speech" ? "signal.npy" : "pitch_\(name).npy")).values
    let (shape, want) = try readNumPy(fixture("pyin_\(name).npy"))
    let frames = shape[1]
    let got = try fixturePYIN().track(signal)
    #expect(got.frames == frames)
    for t in 0..<min(frames, got.frames) {
        let f0 = want[t], voiced = want[frames + t] == 1, probability = want[2 * frames + t]
        #expect(got.voiced[t] == voiced, "frame \(t)")
        if voiced { #expect(abs(got.f0[t] - f0) <= 1e-4 * f0, "frame \(t): \(got.f0[t]) vs \(f0) Hz") }
        else { #expect(got.f0[t].isNaN, "frame \(t)") }
        #expect(abs(got.voicedProbability[t] - probability) < 1e-5, "frame \(t): \(got.voicedProbability[t]) vs \(probability)")
    }
}

/// Frame t covers samples [256t - 512, 256t + 512); the ranges below are the frames wholly
/// inside each part of the fixtures (see make_pitch_fixtures.py).
@Test func pyinSeparatesToneFromSilenceAndNoise() throws {
    let glide = try fixturePYIN().track(readNumPy(fixture("pitch_glide.npy")).values).voiced
    #expect(glide[0...6].allSatisfy { !$0 }, "silence: \(glide[0...6])")
    #expect(glide[11...49].allSatisfy { $0 }, "tone: \(glide[11...49])")
    let noisy = try fixturePYIN().track(readNumPy(fixture("pitch_noisy.npy")).values).voiced
    #expect(noisy[0...19].allSatisfy { !$0 }, "noise: \(noisy[0...19])")
    #expect(noisy[24...41].allSatisfy { $0 }, "tone in noise: \(noisy[24...41])")
}

@Test func pyinFollowsAToneWithinItsBins() throws {
    let track = try fixturePYIN().track(sineTone(220))
    for t in 2..<(track.frames - 2) {
        #expect(track.voiced[t])
        #expect(abs(1200 * log2(Double(track.f0[t]) / 220)) < 10, "frame \(t): \(track.f0[t]) Hz")
    }
}

@Test func pyinThresholdPriorIsTheBetaDistribution() throws {
    // scipy.stats.beta.cdf(x, 2, 18) = 1 - (1-x)^19 - 19x(1-x)^18.
    for x in [0.0, 0.05, 0.1, 0.37, 1.0] {
        let want = 1 - pow(1 - x, 19) - 19 * x * pow(1 - x, 18)
        #expect(abs(PYIN.betaCDF(x, a: 2, b: 18) - want) < 1e-14)
    }
    let pyin = try fixturePYIN()
    #expect(abs(pyin.thresholdWeights.reduce(0, +) - 1) < 1e-12)
    #expect(pyin.bins == 431)       // ⌊120·log2(12)⌋ + 1
    #expect(pyin.reach == 25)       // round(35.92·12·256/22050) = 5 semitones
}

@Test func pyinRejectsBadParametersAndSignals() throws {
    #expect(throws: AudioError.self) { try PYIN(sampleRate: 22050, fmin: 600, fmax: 50) }
    #expect(throws: AudioError.self) { try fixturePYIN().track([]) }
    let silence = try fixturePYIN().track([Float](repeating: 0, count: 4096))
    #expect(silence.voiced.allSatisfy { !$0 } && silence.f0.allSatisfy(\.isNaN))
}

@Test func pyinRefusesARangeTooWideForItsBackPointers() throws {
    // 120 bins an octave: 2^(32767/120) is far beyond any fmax/fmin a voice needs.
    #expect(throws: AudioError.self) { try PYIN(sampleRate: 22050, fmin: 1e-80, fmax: 600) }
    #expect(throws: AudioError.self) { try PYIN(sampleRate: 22050, fmin: .leastNonzeroMagnitude, fmax: 600) }
}
