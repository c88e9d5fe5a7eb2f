import Audio

extension MelFormat {
    /// The mel analysis these features describe: power (|STFT|²) mel, Slaney scale and
    /// norm, centred frames (as librosa's defaults).
    public func melSpectrogram() throws -> MelSpectrogram {
        try MelSpectrogram(sampleRate: sampleRate, nFFT: nFFT, hopLength: hop, power: 2,
                           nMels: nMels, fmin: fmin, fmax: fmax)
    }

    /// `ln(max(mel_power, 1e-5))` of `samples` (at `sampleRate`), frames-major.
    public func logMel(_ samples: [Float]) throws -> LogMel {
        LogMel(try melSpectrogram()(samples).logClamped())
    }
}
