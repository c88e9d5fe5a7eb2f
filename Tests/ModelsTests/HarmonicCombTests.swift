import Foundation
import Testing
@testable import Models

@Suite struct HarmonicCombTests {
    /// The training features' mel (80 bands to 8 kHz at 22.05 kHz).
    let features = MelFormat(sampleRate: 22050, settings: .init())

    @Test func pitchIsTheLogF0AndUnvoicedIsZero() throws {
        let mel = LogMel(frames: 4, bands: 2, values: [0, 0, 1, 1, 2, 2, 3, 3])
        let targets = FrameTargets(mel, f0: [50, 600, 0, 100])
        #expect(targets.pitch == [0, 1, 0, log2(2) / log2(12)])
        #expect(targets.energy == [0, 1, 2, 3])
        #expect(FrameTargets(mel, f0: nil).pitch == [0, 0, 0, 0])
        // f0(ofPitch:) inverts it, and calls low values unvoiced.
        #expect(abs(try #require(FrameTargets.f0(ofPitch: targets.pitch[3])) - 100) < 1e-3)
        #expect(FrameTargets.f0(ofPitch: 0) == nil && FrameTargets.f0(ofPitch: 0.04) == nil)
    }

    @Test func voicingIsItsOwnTargetAndSmoothPitchBridgesTheGaps() {
        let p = { (f0: Float) in log2(f0 / 50) / log2(12) }
        let mel = LogMel(frames: 7, bands: 1, values: [Float](repeating: 0, count: 7))
        let targets = FrameTargets(mel, f0: [0, 100, 0, 0, 400, 0, 0])
        #expect(targets.voicing == [0, 1, 0, 0, 1, 0, 0])
        #expect(targets.pitch == [0, p(100), 0, 0, p(400), 0, 0])
        // Held before the first voiced frame and after the last, a straight line between.
        let expected = [p(100), p(100), p(100) + (p(400) - p(100)) / 3, p(100) + 2 * (p(400) - p(100)) / 3,
                        p(400), p(400), p(400)]
        #expect(zip(targets.smoothPitch, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(targets.smoothPitch)")
        let silent = FrameTargets(mel, f0: nil)
        #expect(silent.voicing == [Float](repeating: 0, count: 7) && silent.smoothPitch == silent.voicing)
        // A track shorter than the mel leaves the rest unvoiced.
        #expect(FrameTargets(mel, f0: [100, 100]).voicing == [1, 1, 0, 0, 0, 0, 0])
    }

    @Test func aLowVoiceLightsTheBandsOfItsHarmonicsOnly() throws {
        let comb = HarmonicComb(features: features)
        let pitch = FrameTargets(LogMel(frames: 1, bands: 1, values: [0]), f0: [100]).pitch
        let row = comb(pitch)
        #expect(row.count == 80)
        let centers = comb.edges[1...80].map { $0 }
        for m in 0..<80 where centers[m] < 800 {
            // A band centred on a multiple of 100 Hz is lit; one centred halfway between two
            // harmonics, if its triangle is narrower than 100 Hz, is dark.
            let offset = centers[m] / 100 - (centers[m] / 100).rounded()
            if abs(offset) < 0.1 { #expect(row[m] > 0.6, "band \(m) at \(centers[m]) Hz: \(row[m])") }
            let halfWidth = (comb.edges[m + 2] - comb.edges[m]) / 2
            if abs(offset) > 0.4 && halfWidth < 50 { #expect(row[m] < 0.25, "band \(m) at \(centers[m]) Hz: \(row[m])") }
        }
        // High bands hold several harmonics each: saturated.
        #expect(row[70..<80].allSatisfy { $0 == 1 })
        #expect(row.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func unvoicedAndAbsurdPitchesGiveNoComb() {
        let comb = HarmonicComb(features: features)
        let row = comb([0, 0.03, .nan, .infinity, 1e9])
        #expect(row.allSatisfy { $0 == 0 })
    }

    @Test func storedConfigurationsWithoutHarmonicsOrVoicingStillRead() throws {
        let old = #"{"kind":"conv","layers":4,"postnet":true,"pitch":true,"energy":false}"#
        let config = try JSONDecoder().decode(DecoderConfig.self, from: Data(old.utf8))
        #expect(config == DecoderConfig(kind: .conv, layers: 4, postnet: true, pitch: true, energy: false, harmonics: false))
    }
}
