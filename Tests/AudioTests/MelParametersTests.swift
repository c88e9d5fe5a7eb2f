import Foundation
import Seeded
import Testing
@testable import Audio

/// Any (n_fft, hop, n_mels) either gives a finite mel spectrogram equal to the plain
/// STFT → |X|^power → W·S path, or a clear `AudioError`; none may write outside its buffers
/// (n_mels above n_fft/2+1 used to overwrite the FFT scratch and the heap).
@Suite struct MelParametersTests {
    /// Half a second of seeded noise at 22.05 kHz.
    static let signal: [Float] = {
        var rng = SplitMix64(seed: 13)
        return (0..<11025).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
    }()

    /// What the mel spectrogram of `signal` is for these parameters: "ok", or the error.
    static func outcome(nFFT: Int, hop: Int, nMels: Int, power: Float = 2) throws -> String {
        let mel: MelSpectrogram
        do {
            mel = try MelSpectrogram(sampleRate: 22050, nFFT: nFFT, hopLength: hop, power: power, nMels: nMels)
        } catch let error as AudioError {
            return error.message
        }
        let spectrogram = try mel(signal)
        let frames = mel.stft.frameCount(signalLength: signal.count)
        #expect(spectrogram.rows == nMels && spectrogram.frames == frames)
        #expect(spectrogram.values.allSatisfy { $0.isFinite }, "n_fft \(nFFT) hop \(hop) n_mels \(nMels)")
        let reference = mel.project(try mel.stft(signal).magnitude(power: power))
        let error = relativeError(spectrogram.values, reference.values)
        #expect(error < 1e-4, "n_fft \(nFFT) hop \(hop) n_mels \(nMels): relative error \(error)")
        return "ok"
    }

    @Test func theTestersCrashingSetsGiveOutputOrAClearError() throws {
        for (nFFT, hop, nMels) in [(16, 256, 80), (3, 256, 80), (64, 16, 256), (1024, 256, 100_000),
                                   (64, 1, 8), (2, 1, 1), (5, 1, 2), (32, 3, 17)] {
            let result = try Self.outcome(nFFT: nFFT, hop: hop, nMels: nMels)
            #expect(result == "ok" || result.contains("n_mels"), "\(result)")
        }
    }

    @Test func sixtyRandomSetsNeverCrash() throws {
        var rng = SplitMix64(seed: 60)
        /// Log-uniform in `range`, so small and large values are equally common.
        func draw(_ range: ClosedRange<Int>) -> Int {
            let exponent = Double.random(in: log(Double(range.lowerBound))...log(Double(range.upperBound)), using: &rng)
            return min(range.upperBound, max(range.lowerBound, Int(exp(exponent).rounded())))
        }
        var counts = (ok: 0, refused: 0)
        for _ in 0..<60 {
            let nFFT = draw(2...4096)
            let hop = draw(1...nFFT)
            let nMels = draw(1...1024)
            let power: Float = Bool.random(using: &rng) ? 1 : 2
            let result = try Self.outcome(nFFT: nFFT, hop: hop, nMels: nMels, power: power)
            if result == "ok" { counts.ok += 1 } else {
                counts.refused += 1
                #expect(result.contains("n_mels") && result.contains("n_fft"), "\(result)")
            }
        }
        // Both kinds occur, so the sets exercise the refusal and the computation.
        #expect(counts.ok >= 10 && counts.refused >= 10, "\(counts)")
    }

    /// Sizes that would need gigabytes are refused before anything is allocated.
    @Test func hugeSizesAreRefusedBeforeAllocating() throws {
        #expect {
            try MelSpectrogram(sampleRate: 22050, nFFT: 1 << 40, nMels: 80)
        } throws: { ($0 as? AudioError)?.message.hasPrefix("invalid parameter n_fft=") == true }
        let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 4096, hopLength: 1, nMels: 80)
        #expect {
            try mel([Float](repeating: 0, count: 200_000))
        } throws: { ($0 as? AudioError)?.message.contains("use a larger hop") == true }
    }

    /// librosa warns about empty filters; here they are an error that says what to change.
    @Test func emptyMelBandsAreRefusedNamingTheFix() throws {
        #expect {
            try MelFilterbank(sampleRate: 22050, nFFT: 64, nMels: 256)
        } throws: { error in
            let message = (error as? AudioError)?.message ?? ""
            return message.contains("n_mels=256") && message.contains("empty") && message.contains("n_fft=64")
                && message.contains("at most")
        }
        // The largest n_mels the message suggests is accepted, one more is not.
        let limit = try #require(MelFilterbank.largestNMels(sampleRate: 22050, nFFT: 64, fmin: 0, fmax: 11025))
        _ = try MelFilterbank(sampleRate: 22050, nFFT: 64, nMels: limit)
        #expect(throws: AudioError.self) { try MelFilterbank(sampleRate: 22050, nFFT: 64, nMels: limit + 1) }
        // The training settings have no empty band.
        _ = try MelFilterbank(sampleRate: 22050, nFFT: 1024, nMels: 80, fmax: 8000)
    }
}
