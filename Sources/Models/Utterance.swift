import Audio
import Foundation

/// A log-mel spectrogram stored one frame after another (`values[frame * bands + band]`),
/// the layout the model reads and writes (`[frames, n_mels]` per utterance).
public struct LogMel: Sendable, Equatable {
    public let frames: Int
    public let bands: Int
    public var values: [Float]

    public init(frames: Int, bands: Int, values: [Float]) {
        precondition(values.count == frames * bands, "LogMel: \(values.count) values for \(frames)×\(bands)")
        self.frames = frames; self.bands = bands; self.values = values
    }

    /// From Audio's band-major log-mel spectrogram.
    public init(_ spectrogram: Spectrogram) {
        self.init(frames: spectrogram.frames, bands: spectrogram.rows, values: spectrogram.framesMajor())
    }

    /// As Audio's band-major spectrogram (`rows` = bands), for metrics and pictures.
    public var spectrogram: Spectrogram {
        var out = Spectrogram(rows: bands, frames: frames)
        for f in 0..<frames {
            for b in 0..<bands { out[b, f] = values[f * bands + b] }
        }
        return out
    }

    /// The linear mel `exp(x)` (band-major): magnitude or power, as the features were made.
    public var linear: Spectrogram {
        let s = spectrogram
        return Spectrogram(rows: s.rows, frames: s.frames, values: s.values.map { Foundation.exp($0) })
    }
}

/// One training or evaluation item: what is said (tokens, with the frames each lasts), how
/// it sounds (the target mel) and the voice to imitate (a reference mel of the same speaker,
/// ideally another recording so that the model cannot copy it).
public struct Utterance: Sendable {
    public var id: String
    public var speaker: String
    /// Token ids (see ``ModelConfig/symbols``; 0 is padding and never appears here).
    public var tokens: [Int]
    /// Mel frames of each token; they sum to `mel.frames`. `nil` when the model learns them
    /// (its aligner gives them at every step).
    public var durations: [Int]?
    /// Durations known to be right but withheld from the model (espeak-ng's, when the
    /// built-in corpus trains with learned durations): what the learned ones are measured against.
    public var trueDurations: [Int]?
    public var mel: LogMel
    /// The recording's F0 in Hz for every mel frame, 0 where unvoiced (the feature cache's
    /// pYIN track); nil when there is no recording (utterances made from mels alone).
    public var f0: [Float]?
    public var reference: LogMel
    /// Optional word features per token, `tokens.count × wordFeatureDim` (a BERT word's
    /// hidden state repeated over that word's tokens).
    public var wordFeatures: [Float]?
    /// What a model's own fine-tuned BERT reads for this utterance (its text's word pieces and
    /// the word of each token), instead of precomputed ``wordFeatures``.
    public var bertInput: BERTWordInput?

    public init(id: String, speaker: String, tokens: [Int], durations: [Int]?, mel: LogMel,
                reference: LogMel, wordFeatures: [Float]? = nil, bertInput: BERTWordInput? = nil) {
        if let durations {
            precondition(tokens.count == durations.count && durations.reduce(0, +) == mel.frames,
                         "Utterance \(id): \(tokens.count) tokens, \(durations.count) durations summing to \(durations.reduce(0, +)), \(mel.frames) mel frames")
        }
        self.id = id; self.speaker = speaker; self.tokens = tokens; self.durations = durations
        self.mel = mel; self.reference = reference; self.wordFeatures = wordFeatures
        self.bertInput = bertInput
    }
}
