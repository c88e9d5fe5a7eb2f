/// Mel spectrogram as librosa.feature.melspectrogram: `M = W · |STFT(y)|^power`, with `W` a
/// `MelFilterbank`; `n_mels × frames`.
public struct MelSpectrogram: Sendable {
    public let stft: STFT
    public let filterbank: MelFilterbank
    /// Exponent of the STFT magnitude: 2 for power (librosa's default), 1 for magnitude.
    public let power: Float

    /// - Parameters: as librosa.feature.melspectrogram (which passes `nMels`, `fmin`, `fmax`,
    ///   `scale` (`htk`) and `norm` to the filterbank and the rest to the STFT).
    public init(sampleRate: Int, nFFT: Int = 2048, hopLength: Int? = nil, winLength: Int? = nil,
                center: Bool = true, padMode: PadMode = .constant, power: Float = 2,
                nMels: Int = 128, fmin: Double = 0, fmax: Double? = nil,
                scale: MelScale = .slaney, norm: MelNorm = .slaney) throws {
        try AudioError.require(power > 0 && power.isFinite, "power", power, "must be positive")
        stft = try STFT(nFFT: nFFT, hopLength: hopLength, winLength: winLength,
                        center: center, padMode: padMode)
        filterbank = try MelFilterbank(sampleRate: sampleRate, nFFT: nFFT, nMels: nMels,
                                       fmin: fmin, fmax: fmax, scale: scale, norm: norm)
        self.power = power
    }

    /// The mel spectrogram of `signal`.
    public func callAsFunction(_ signal: [Float]) throws -> Spectrogram {
        project(try stft(signal).magnitude(power: power))
    }

    /// `W · S` for a linear-frequency spectrogram `S` (`bins × frames`) already raised to
    /// `power`: one matrix product.
    public func project(_ spectrogram: Spectrogram) -> Spectrogram {
        precondition(spectrogram.rows == filterbank.bins, "spectrogram rows must equal n_fft/2+1")
        var out = Spectrogram(rows: filterbank.nMels, frames: spectrogram.frames)
        filterbank.weights.withUnsafeBufferPointer { w in
            spectrogram.values.withUnsafeBufferPointer { s in
                out.values.withUnsafeMutableBufferPointer { o in
                    gemm(w.baseAddress!, s.baseAddress!, o.baseAddress!,
                         m: filterbank.nMels, n: spectrogram.frames, k: filterbank.bins)
                }
            }
        }
        return out
    }
}
