import Audio
import Data

extension MelFormat {
    /// The mel analysis of ``settings`` at ``sampleRate`` (as Data's feature cache runs it).
    public func melSpectrogram() throws -> MelSpectrogram {
        try MelSpectrogram(sampleRate: sampleRate, nFFT: settings.nFFT, hopLength: settings.hopLength,
                           winLength: settings.winLength, power: settings.power, nMels: settings.nMels,
                           fmin: settings.fmin, fmax: settings.fmax)
    }

    /// `ln(max(mel, floor))` of `samples` (at ``sampleRate``), frames-major.
    public func logMel(_ samples: [Float]) throws -> LogMel {
        LogMel(try melSpectrogram()(samples).logClamped(floor: settings.logFloor))
    }

    /// The mel power `exp(x)^(2/power)` of a log-mel, band-major (what MCD expects).
    func powerSpectrogram(_ mel: LogMel) -> Spectrogram {
        let s = mel.spectrogram, k = 2 / settings.power
        return Spectrogram(rows: s.rows, frames: s.frames, values: s.values.map { Foundation.exp($0 * k) })
    }
}

import Foundation
