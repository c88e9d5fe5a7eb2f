import Foundation
import Testing
import Data
import Tensor
@testable import Models

@Suite struct ReferencePitchTests {
    /// The training features of the 128-band recipes.
    let features: MelFormat = {
        var settings = MelSettings()
        settings.nMels = 128
        return MelFormat(sampleRate: 22050, settings: settings)
    }()

    /// A voiced sound at `f0`: its harmonics under a falling spectral envelope, one second,
    /// with a quieter pause in the middle.
    func voice(_ f0: Double) -> [Float] {
        let sr = 22050.0
        return (0..<22050).map { i in
            let t = Double(i) / sr
            let harmonics = stride(from: 1.0, through: (8000 / f0).rounded(.down), by: 1).reduce(0.0) { sum, h in
                sum + sin(2 * .pi * h * f0 * t) / h
            }
            return Float((0.4...0.6).contains(t) ? 0.01 * harmonics : 0.2 * harmonics)
        }
    }

    @Test(arguments: [75.0, 95, 110, 136, 160, 209, 233, 300])
    func theSieveFindsTheVoicesF0WithoutOctaveErrors(f0: Double) throws {
        let estimate = ReferencePitch(features: features)(try features.logMel(voice(f0)))
        let found = try #require(FrameTargets.f0(ofPitch: estimate))
        let semitones = 12 * log2(Double(found) / f0)
        #expect(abs(semitones) < 0.5, "\(f0) Hz read as \(found) Hz")
    }

    /// A batch's references are read one by one, each to its own length.
    @Test func aBatchReadsEachReferenceToItsLength() throws {
        let sieve = ReferencePitch(features: features)
        let low = try features.logMel(voice(100)), high = try features.logMel(voice(220))
        let frames = max(low.frames, high.frames) + 5
        var values = [Float](repeating: 0, count: 2 * frames * 128), mask = [Float](repeating: 0, count: 2 * frames)
        values.replaceSubrange(0..<low.values.count, with: low.values)
        values.replaceSubrange(frames * 128..<(frames * 128 + high.values.count), with: high.values)
        for t in 0..<low.frames { mask[t] = 1 }
        for t in 0..<high.frames { mask[frames + t] = 1 }
        let levels = sieve.levels(Tensor(values, shape: [2, frames, 128]), mask: Tensor(mask, shape: [2, frames]))
        #expect(levels.shape == [2, 1, 1] && levels.scalars == [sieve(low), sieve(high)])
        #expect(sieve(LogMel(frames: 0, bands: 128, values: [])) == ReferencePitch.neutral)
    }
}
