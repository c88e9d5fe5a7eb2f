import Audio
import Foundation

/// Log-mel → waveform without a learned vocoder:
///
/// ```
/// M = exp(log-mel)                           mel power
/// S = argmin_{S ≥ 0} ‖W·S² − M‖  (NNLS)      linear magnitude (Audio's inverse mel)
/// wav = fast Griffin-Lim(S)                   `iterations`, `momentum`, seeded phases
/// ```
public struct GriffinLimVocoder: Sendable {
    public let mel: MelSpectrogram
    public let griffinLim: GriffinLim

    public init(features: MelFormat, config: VocoderConfig) throws {
        mel = try features.melSpectrogram()
        griffinLim = try GriffinLim(stft: mel.stft, iterations: config.iterations, momentum: Float(config.momentum))
    }

    /// Samples at the features' rate for `logMel` (`frames × n_mels`); a single frame is
    /// padded with a silent one (`ln 1e-5`), as the inverse STFT needs two.
    public func callAsFunction(_ logMel: LogMel) throws -> [Float] {
        var logMel = logMel
        if logMel.frames < 2 {
            logMel = LogMel(frames: 2, bands: logMel.bands,
                            values: logMel.values + Array(repeating: Foundation.log(1e-5), count: (2 - logMel.frames) * logMel.bands))
        }
        let magnitude = try mel.inverse(logMel.power)
        return try griffinLim(magnitude)
    }
}
