import Foundation
import Testing
@testable import Audio

/// Fast Griffin-Lim on the true magnitude of the fixture speech, 32 iterations, momentum 0.99,
/// judged by spectral convergence against librosa.griffinlim on the same magnitude.
@Test func griffinLimConvergesAsWellAsLibrosa() throws {
    let stft = try STFT(nFFT: 1024, hopLength: 256)
    let magnitude = try readNumPy(try fixture("stft_1024_256.npy"))
    let target = Spectrogram(rows: magnitude.shape[0], frames: magnitude.shape[1], values: magnitude.values)
    let librosa = try FixtureInfo.load().griffinlim

    func convergence(_ initialization: GriffinLim.Initialization) throws -> Double {
        let signal = try GriffinLim(stft: stft, iterations: 32, initialization: initialization)(target)
        return try SpectralMetrics.spectralConvergence(try stft(signal).magnitude(), target)
    }
    let zero = try convergence(.zero)
    #expect(zero <= librosa.zero_init_sc * 1.01, "zero phase: ours \(zero), librosa \(librosa.zero_init_sc)")
    let random = try (0..<3).map { try convergence(.random(seed: UInt64($0))) }
    let ours = random.reduce(0, +) / 3, theirs = librosa.random_init_sc.reduce(0, +) / 5
    #expect(ours <= theirs, "random phase: ours \(random), librosa \(librosa.random_init_sc)")
}

@Test func griffinLimRejectsBadInput() throws {
    let stft = try STFT(nFFT: 1024, hopLength: 256)
    #expect(throws: AudioError.self) { try GriffinLim(stft: stft, momentum: -1) }
    #expect { try GriffinLim(stft: stft)(Spectrogram(rows: 100, frames: 4)) }
        throws: { ($0 as? AudioError)?.message.contains("513") == true }
}
