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

/// A log-mel against a time-stretched copy of itself (every frame repeated) behind silence:
/// trimming drops the silence, DTW aligns the rest perfectly, so the MCD is zero. A gain
/// only moves c₀, which is left out; a spectral tilt is a real difference.
@Test func melCepstralDistortionTrimsAlignsAndLeavesOutEnergy() throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, nMels: 80)(signal).logClamped(floor: 1e-5)
    let silent = 7
    var stretched = Spectrogram(rows: mel.rows, frames: silent + 2 * mel.frames)
    for r in 0..<mel.rows {
        for t in 0..<stretched.frames { stretched[r, t] = t < silent ? log(1e-5) : mel[r, (t - silent) / 2] }
    }
    let mcd = try MelCepstralDistortion()
    let aligned = try mcd(stretched, mel)
    #expect(aligned.decibels < 1e-9)
    #expect(aligned.predictionFrames.lowerBound == silent)
    #expect(aligned.path.first == FramePair(prediction: silent, target: 0))
    let louder = Spectrogram(rows: mel.rows, frames: mel.frames, values: mel.values.map { $0 + log(4) })
    #expect(try mcd(louder, mel).decibels < 1e-4, "c0 (loudness) is excluded")
    var tilted = mel
    for r in 0..<mel.rows { for t in 0..<mel.frames { tilted[r, t] += log(Float(r + 1)) } }
    #expect(try mcd(tilted, mel).decibels > 1)
    #expect(throws: AudioError.self) { try mcd(mel, Spectrogram(rows: 40, frames: 3)) }
    #expect(throws: AudioError.self) { try MelCepstralDistortion(coefficients: 80)(mel, mel) }
}

/// Against numpy/scipy/librosa (scripts/fixtures/make_mcd_fixtures.py): the same trimmed
/// frames, cepstra, DTW path and cost, and MCD.
@Test func melCepstralDistortionMatchesLibrosa() throws {
    let prediction = try readNumPy(try fixture("mcd_prediction.npy"))
    let target = try readNumPy(try fixture("mcd_target.npy"))
    let expected = try readNumPy(try fixture("mcd_expected.npy")).values.map(Double.init)
    let path = try readNumPy(try fixture("mcd_path.npy")).values.map { Int($0) }
    let p = Spectrogram(rows: prediction.shape[0], frames: prediction.shape[1], values: prediction.values)
    let t = Spectrogram(rows: target.shape[0], frames: target.shape[1], values: target.values)
    let mcd = try MelCepstralDistortion()
    let result = try mcd(p, t)
    #expect(result.predictionFrames == Int(expected[1])..<Int(expected[2]))
    #expect(result.targetFrames == Int(expected[3])..<Int(expected[4]))
    #expect(abs(mcd.cepstra(t, frames: result.targetFrames)[0] - expected[7]) < 1e-4)
    #expect(result.path.count == Int(expected[5]))
    #expect(result.path.flatMap { [$0.prediction, $0.target] } == path)
    #expect(abs(result.decibels - expected[0]) / expected[0] < 1e-5, "MCD \(result.decibels) dB, librosa \(expected[0])")
}

/// librosa's step order decides ties: on a uniform cost the path is the diagonal, then
/// along the longer side.
@Test func dynamicTimeWarpingFollowsLibrosaOnTies() {
    let (pairs, cost) = DynamicTimeWarping.path(rows: 3, columns: 5) { _, _ in 1 }
    #expect(cost == 5)
    #expect(pairs.map { [$0.prediction, $0.target] } == [[0, 0], [0, 1], [0, 2], [1, 3], [2, 4]])
}
