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

/// The vocoder a synthesis or evaluation speaks through: Griffin-Lim (no training needed, the
/// default) or a trained ``NeuralVocoder`` (a `train_vocoder` checkpoint).
public enum MelVocoder {
    case griffinLim(GriffinLimVocoder)
    case neural(any NeuralVocoder)

    /// Samples at the features' rate for `logMel` (`frames × n_mels`).
    public func callAsFunction(_ logMel: LogMel) throws -> [Float] {
        switch self {
        case .griffinLim(let vocoder): return try vocoder(logMel)
        case .neural(let vocoder):
            // One frame gives no sample by default: ask for one hop of them.
            return try vocode(vocoder, logMel, length: logMel.frames < 2 ? vocoder.hop : nil)
        }
    }

    /// `griffin_lim` or the neural vocoder's kind, for reports.
    public var name: String {
        switch self {
        case .griffinLim: "griffin_lim"
        case .neural(let vocoder): String(describing: type(of: vocoder))
        }
    }
}
