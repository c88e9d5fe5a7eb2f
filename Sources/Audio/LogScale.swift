import Foundation

extension Spectrogram {
    /// Natural log with a floor, the usual TTS feature: `ln(max(x, floor))`.
    ///
    /// The floor 1e-5 (≈ -11.5) is the one HiFi-GAN and most mel vocoders use for power or
    /// magnitude mels; it keeps silence finite and bounds the dynamic range a model must fit.
    public func logClamped(floor: Float = 1e-5) -> Spectrogram {
        Spectrogram(rows: rows, frames: frames, values: values.map { Foundation.log(Swift.max($0, floor)) })
    }

    /// Decibels of a power spectrogram, as librosa.power_to_db:
    /// `10·log10(max(x, amin)) - 10·log10(max(reference, amin))`, then values below
    /// `max - topDB` raised to it. `reference` defaults to the largest value (0 dB = loudest).
    public func decibels(reference: Float? = nil, amin: Float = 1e-10, topDB: Float? = 80) -> Spectrogram {
        let ref = 10 * log10(Swift.max(reference ?? (values.max() ?? 1), amin))
        var db = values.map { 10 * log10(Swift.max($0, amin)) - ref }
        if let topDB, let peak = db.max() {
            let lowest = peak - topDB
            for i in db.indices where db[i] < lowest { db[i] = lowest }
        }
        return Spectrogram(rows: rows, frames: frames, values: db)
    }
}
