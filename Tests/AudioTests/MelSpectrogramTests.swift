import Foundation
import Testing
@testable import Audio

@Test func melSpectrogramMatchesLibrosa() throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let expected = try readNumPy(try fixture("melspec_1024_256_80.npy"))
    let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, nMels: 80)(signal)
    #expect([mel.rows, mel.frames] == expected.shape)
    let error = relativeError(mel.values, expected.values)
    #expect(error < 1e-4, "relative error \(error)")
}

/// The NNLS inverse fits the mel at least as well as librosa's mel_to_stft (L-BFGS-B) and
/// never returns a negative magnitude.
@Test func inverseMelFitsLikeLibrosa() throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let melSpectrogram = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, nMels: 80)
    let mel = try melSpectrogram(signal)
    let magnitude = try melSpectrogram.inverse(mel)
    #expect(magnitude.rows == 513 && magnitude.frames == mel.frames)
    #expect(magnitude.values.allSatisfy { $0 >= 0 })
    let refit = melSpectrogram.project(Spectrogram(rows: 513, frames: mel.frames,
                                                   values: magnitude.values.map { $0 * $0 }))
    let residual = normRelativeError(refit.values, mel.values)
    let librosa = try FixtureInfo.load().inverse_mel.relative_residual
    #expect(residual <= librosa * 1.05, "NNLS residual \(residual), librosa \(librosa)")
}

/// Every power (1: the training features, by a vector square root; 2; others by powf) and an
/// fmax below Nyquist (bins above the top filter are skipped) equal the filterbank applied to
/// the STFT's own |X|^power.
@Test(arguments: [(Float(1), 8000.0), (Float(2), 11025.0), (Float(1.5), 6000.0)])
func melOfEveryPowerIsTheFilterbankOverTheMagnitude(power: Float, fmax: Double) throws {
    let signal = try readNumPy(try fixture("signal.npy")).values
    let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, power: power, nMels: 80, fmax: fmax)
    let expected = mel.project(try mel.stft(signal).magnitude(power: power))
    let error = normRelativeError(try mel(signal).values, expected.values)
    #expect(error < 1e-5, "power \(power), fmax \(fmax): relative error \(error)")
}

@Test func logAndDecibelScales() throws {
    let s = Spectrogram(rows: 1, frames: 3, values: [0, 1e-3, 1])
    #expect(s.logClamped().values == [log(1e-5), log(1e-3), 0].map(Float.init))
    let db = s.decibels(topDB: 80).values
    #expect(db[2] == 0 && abs(db[1] + 30) < 1e-4 && db[0] == -80)
}
