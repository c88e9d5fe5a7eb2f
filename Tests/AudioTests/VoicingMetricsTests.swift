import Foundation
import Testing
@testable import Audio

/// A track whose frames are voiced where `periodicity` (the voiced probability) is above 0.5.
private func track(f0: [Float], periodicity: [Float]) -> PitchTrack {
    PitchTrack(sampleRate: 22050, hopLength: 256, f0: f0, voiced: periodicity.map { $0 > 0.5 },
               voicedProbability: periodicity)
}

@Test func comparisonMatchesAHandComputedExample() throws {
    // Target v v u v, prediction v u v v (+ one extra frame, ignored). Both voiced: frames 0 and 3.
    let target = track(f0: [100, 200, 300, 400], periodicity: [0.9, 0.9, 0.5, 0.9])
    let prediction = track(f0: [110, 200, 300, 400, 999], periodicity: [0.9, 0.5, 0.9, 0.9, 0.9])
    let c = try F0Comparison(prediction: prediction, target: target)
    #expect(c.frames == 4 && c.bothVoiced == 2)
    #expect(abs(c.rmseHz - 50.0.squareRoot()) < 1e-9)
    #expect(abs(c.rmseCents - 1200 * log2(1.1) / 2.0.squareRoot()) < 1e-6)
    #expect(c.voicingErrorRate == 0.5)
    #expect(abs(c.voicingF1 - 2.0 / 3) < 1e-12)             // TP 2, FP 1, FN 1
    #expect(abs(c.periodicityRMSE - 0.08.squareRoot()) < 1e-6)   // differences 0, .4, .4, 0
}

@Test func aSignalAgainstItselfHasNoError() throws {
    let glide = try fixturePYIN().track(readNumPy(fixture("pitch_glide.npy")).values)
    let c = try F0Comparison(prediction: glide, target: glide)
    #expect(c.bothVoiced > 30)
    #expect(c.rmseHz == 0 && c.rmseCents == 0 && c.periodicityRMSE == 0)
    #expect(c.voicingErrorRate == 0 && c.voicingF1 == 1)
}

@Test func aToneOneSemitoneUpIsOffByTheSemitone() throws {
    let pyin = try fixturePYIN()
    let up = 200 * pow(2, 1.0 / 12)
    let c = try F0Comparison(prediction: pyin.track(sineTone(up)), target: pyin.track(sineTone(200)))
    #expect(c.voicingF1 == 1)
    // pYIN's bins are a tenth of a semitone apart.
    #expect(abs(c.rmseHz - (up - 200)) < 1.5, "\(c.rmseHz) Hz")
    #expect(abs(c.rmseCents - 100) < 10, "\(c.rmseCents) cents")
}

@Test func noVoicedFramesGiveNaNErrorsAndPerfectF1() throws {
    let silent = track(f0: [.nan, .nan], periodicity: [0.1, 0.1])
    let c = try F0Comparison(prediction: silent, target: silent)
    #expect(c.rmseHz.isNaN && c.rmseCents.isNaN)
    #expect(c.voicingF1 == 1 && c.voicingErrorRate == 0)
    #expect(throws: AudioError.self) {
        try F0Comparison(prediction: silent, target: track(f0: [], periodicity: []))
    }
}

/// A prediction twice as slow, compared along the path that matches its frames 2t and 2t+1
/// with target frame t: no error, where frame-by-frame comparison sees the pitch drift.
@Test func comparisonAlongAPathFollowsTheWarping() throws {
    let target = track(f0: [100, 150, 200, 250], periodicity: [0.9, 0.9, 0.9, 0.1])
    let slow = track(f0: [100, 100, 150, 150, 200, 200, 250, 250], periodicity: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1, 0.1])
    let pairs = (0..<8).map { FramePair(prediction: $0, target: $0 / 2) } + [FramePair(prediction: 8, target: 4)]
    let aligned = try F0Comparison(prediction: slow, target: target, pairs: pairs)
    #expect(aligned.frames == 8, "the pair past both ends is skipped")
    #expect(aligned.bothVoiced == 6 && aligned.rmseHz == 0 && aligned.voicingErrorRate == 0)
    let unaligned = try F0Comparison(prediction: slow, target: target)
    #expect(unaligned.rmseHz > 10)
}
