import Foundation
import Testing
@testable import Audio

private func track(f0: [Float], aperiodicity: [Float]) -> PitchTrack {
    PitchTrack(sampleRate: 22050, hopLength: 256, f0: f0, aperiodicity: aperiodicity,
               rms: .init(repeating: 1, count: f0.count))
}

/// Frame t covers samples [256t - 512, 256t + 512); the ranges below are the frames wholly
/// inside each part of the fixtures (see make_pitch_fixtures.py).
@Test func voicingRuleSeparatesToneFromSilenceAndNoise() throws {
    let glide = try fixtureYIN().track(readNumPy(fixture("pitch_glide.npy")).values).voiced()
    #expect(glide[0...6].allSatisfy { !$0 }, "silence: \(glide[0...6])")
    #expect(glide[11...49].allSatisfy { $0 }, "tone: \(glide[11...49])")
    let noisy = try fixtureYIN().track(readNumPy(fixture("pitch_noisy.npy")).values).voiced()
    #expect(noisy[0...19].allSatisfy { !$0 }, "noise: \(noisy[0...19])")
    #expect(noisy[24...41].allSatisfy { $0 }, "tone in noise: \(noisy[24...41])")
}

@Test func comparisonMatchesAHandComputedExample() throws {
    // Voiced (aperiodicity < 0.25): target v v u v, prediction v u v v (+ one extra frame,
    // ignored). Both voiced: frames 0 and 3.
    let target = track(f0: [100, 200, 300, 400], aperiodicity: [0.1, 0.1, 0.5, 0.1])
    let prediction = track(f0: [110, 200, 300, 400, 999], aperiodicity: [0.1, 0.5, 0.1, 0.1, 0.1])
    let c = try F0Comparison(prediction: prediction, target: target)
    #expect(c.frames == 4 && c.bothVoiced == 2)
    #expect(abs(c.rmseHz - 50.0.squareRoot()) < 1e-9)
    #expect(abs(c.rmseCents - 1200 * log2(1.1) / 2.0.squareRoot()) < 1e-6)
    #expect(c.voicingErrorRate == 0.5)
    #expect(abs(c.voicingF1 - 2.0 / 3) < 1e-12)             // TP 2, FP 1, FN 1
    #expect(abs(c.periodicityRMSE - 0.08.squareRoot()) < 1e-6)   // differences 0, .4, .4, 0
}

@Test func aSignalAgainstItselfHasNoError() throws {
    let glide = try fixtureYIN().track(readNumPy(fixture("pitch_glide.npy")).values)
    let c = try F0Comparison(prediction: glide, target: glide)
    #expect(c.bothVoiced > 30)
    #expect(c.rmseHz == 0 && c.rmseCents == 0 && c.periodicityRMSE == 0)
    #expect(c.voicingErrorRate == 0 && c.voicingF1 == 1)
}

@Test func aToneOneSemitoneUpIsOffByTheSemitone() throws {
    let yin = try fixtureYIN()
    let up = 200 * pow(2, 1.0 / 12)
    let c = try F0Comparison(prediction: yin.track(sineTone(up)), target: yin.track(sineTone(200)))
    #expect(c.voicingF1 == 1)
    #expect(abs(c.rmseHz - (up - 200)) < 0.2, "\(c.rmseHz) Hz")
    #expect(abs(c.rmseCents - 100) < 2, "\(c.rmseCents) cents")
}

@Test func noVoicedFramesGiveNaNErrorsAndPerfectF1() throws {
    let silent = track(f0: [100, 100], aperiodicity: [0.9, 0.9])
    let c = try F0Comparison(prediction: silent, target: silent)
    #expect(c.rmseHz.isNaN && c.rmseCents.isNaN)
    #expect(c.voicingF1 == 1 && c.voicingErrorRate == 0)
    #expect(throws: AudioError.self) {
        try F0Comparison(prediction: silent, target: track(f0: [], aperiodicity: []))
    }
}

/// A prediction twice as slow, compared along the path that matches its frames 2t and 2t+1
/// with target frame t: no error, where frame-by-frame comparison sees the pitch drift.
@Test func comparisonAlongAPathFollowsTheWarping() throws {
    let target = track(f0: [100, 150, 200, 250], aperiodicity: [0.1, 0.1, 0.1, 0.5])
    let slow = track(f0: [100, 100, 150, 150, 200, 200, 250, 250], aperiodicity: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.5, 0.5])
    let pairs = (0..<8).map { FramePair(prediction: $0, target: $0 / 2) } + [FramePair(prediction: 8, target: 4)]
    let aligned = try F0Comparison(prediction: slow, target: target, pairs: pairs)
    #expect(aligned.frames == 8, "the pair past both ends is skipped")
    #expect(aligned.bothVoiced == 6 && aligned.rmseHz == 0 && aligned.voicingErrorRate == 0)
    let unaligned = try F0Comparison(prediction: slow, target: target)
    #expect(unaligned.rmseHz > 10)
}
