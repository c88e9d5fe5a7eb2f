import Audio
import Foundation

/// Log-mel → waveform without a learned vocoder:
///
/// ```
/// M = exp(log-mel)                           mel (magnitude or power, per the settings)
/// S = argmin_{S ≥ 0} ‖W·S^p − M‖  (NNLS)     linear magnitude (Audio's inverse mel)
/// wav = fast Griffin-Lim(S)                   `iterations`, `momentum`, seeded phases
/// ```
public struct GriffinLimVocoder: Sendable {
    public let mel: MelSpectrogram
    public let griffinLim: GriffinLim
    let floor: Float

    public init(features: MelFormat, config: VocoderConfig) throws {
        mel = try features.melSpectrogram()
        floor = features.settings.logFloor
        griffinLim = try GriffinLim(stft: mel.stft, iterations: config.iterations, momentum: Float(config.momentum))
    }

    /// Samples at the features' rate for `logMel` (`frames × n_mels`); a single frame is
    /// padded with a silent one (the log floor), as the inverse STFT needs two.
    public func callAsFunction(_ logMel: LogMel) throws -> [Float] {
        var logMel = logMel
        if logMel.frames < 2 {
            logMel = LogMel(frames: 2, bands: logMel.bands,
                            values: logMel.values + Array(repeating: Foundation.log(floor), count: (2 - logMel.frames) * logMel.bands))
        }
        let magnitude = try mel.inverse(logMel.linear)
        return try griffinLim(magnitude)
    }
}
