import Foundation
import Testing
@testable import Audio

@Test func metricsAreZeroForIdenticalInputsAndFollowTheirFormulas() throws {
    let a = Spectrogram(rows: 2, frames: 2, values: [1, 2, 3, 4])
    let b = Spectrogram(rows: 2, frames: 2, values: [1, 2, 3, 6])
    #expect(try SpectralMetrics.melL1(a, a) == 0)
    #expect(try SpectralMetrics.melL1(a, b) == 0.5)
    #expect(abs(try SpectralMetrics.spectralConvergence(a, b) - 2 / (1 + 4 + 9 + 36.0).squareRoot()) < 1e-12)
    // One bin 10× louder in one of two frames: 10 dB over 2 bins → sqrt(100/2), averaged over 2 frames.
    let loud = Spectrogram(rows: 2, frames: 2, values: [10, 2, 3, 4])
    #expect(abs(try SpectralMetrics.logSpectralDistance(loud, a) - 50.0.squareRoot() / 2) < 1e-6)
    #expect(throws: AudioError.self) { try SpectralMetrics.melL1(a, Spectrogram(rows: 1, frames: 4)) }
}

/// A mel spectrogram against a time-stretched copy of itself (every frame repeated): DTW
/// aligns them perfectly, so the MCD is zero; a different signal gives a positive MCD.
@Test func melCepstralDistortionAlignsWithDTW() throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, nMels: 80)(signal)
    var stretched = Spectrogram(rows: mel.rows, frames: 2 * mel.frames)
    for r in 0..<mel.rows { for t in 0..<2 * mel.frames { stretched[r, t] = mel[r, t / 2] } }
    #expect(try SpectralMetrics.melCepstralDistortion(stretched, mel) < 1e-9)
    // Above the 1e-10 floor, a gain only moves c0.
    let floored = Spectrogram(rows: mel.rows, frames: mel.frames, values: mel.values.map { max($0, 1e-9) })
    let louder = Spectrogram(rows: mel.rows, frames: mel.frames, values: floored.values.map { $0 * 4 })
    let loudness = try SpectralMetrics.melCepstralDistortion(louder, floored)
    #expect(loudness < 1e-6, "c0 (loudness) is excluded, got \(loudness)")
    var tilted = mel
    for r in 0..<mel.rows { for t in 0..<mel.frames { tilted[r, t] *= Float(r + 1) } }
    #expect(try SpectralMetrics.melCepstralDistortion(tilted, mel) > 1)
}
