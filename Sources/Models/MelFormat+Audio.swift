import Audio
import Data
import Foundation

extension MelFormat {
    /// The mel analysis of ``settings`` at ``sampleRate`` (as Data's feature cache runs it).
    public func melSpectrogram() throws -> MelSpectrogram {
        try settings.melSpectrogram(sampleRate: sampleRate)
    }

    /// `ln(max(mel, floor))` of `samples` (at ``sampleRate``), frames-major.
    public func logMel(_ samples: [Float]) throws -> LogMel {
        LogMel(try melSpectrogram()(samples).logClamped(floor: settings.logFloor))
    }

    /// The mel power `exp(x)^(2/power)` of a log-mel, band-major: what MCD expects and what
    /// spectrogram pictures show in decibels.
    public func powerSpectrogram(_ mel: LogMel) -> Spectrogram {
        let s = mel.spectrogram, k = 2 / settings.power
        return Spectrogram(rows: s.rows, frames: s.frames, values: s.values.map { Foundation.exp($0 * k) })
    }

}
