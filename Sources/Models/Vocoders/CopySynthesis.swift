import Foundation

/// Copy synthesis: a recording (or its log-mel) back to a waveform through a vocoder, the
/// measure of a vocoder by itself (`funaudio audio vocode`).
public struct CopySynthesis {
    public let features: MelFormat
    public let vocoder: MelVocoder

    /// A trained vocoder (its checkpoint fixes the mel features), or Griffin-Lim at `features`.
    public init(checkpoint: VocoderCheckpoint?, features: MelFormat, griffinLim: VocoderConfig) throws {
        if let checkpoint {
            self.features = checkpoint.features
            vocoder = .neural(try checkpoint.makeVocoder())
        } else {
            self.features = features
            vocoder = .griffinLim(try GriffinLimVocoder(features: features, config: griffinLim))
        }
    }

    /// The waveform of a log-mel `frames × n_mels` (as `funaudio audio mel` writes).
    public func callAsFunction(mel: LogMel) throws -> [Float] {
        guard mel.bands == features.nMels, mel.frames >= 1 else {
            throw ModelError("the mel has \(mel.frames) frames × \(mel.bands) bands; the vocoder reads \(features.nMels) bands")
        }
        return try vocoder(mel)
    }

    /// The waveform rebuilt from `samples`' log-mel (`samples` at the features' rate), as long
    /// as `samples`.
    public func callAsFunction(samples: [Float]) throws -> [Float] {
        guard samples.count > features.settings.nFFT / 2 else {
            throw ModelError("the recording has \(samples.count) samples, too few for one analysis frame of \(features.settings.nFFT)")
        }
        var out = try self(mel: features.logMel(samples))
        out = Array(out.prefix(samples.count))
        return out + [Float](repeating: 0, count: samples.count - out.count)
    }
}
