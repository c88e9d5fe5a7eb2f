import Audio
import Foundation
import NN
import Tensor
import Text

/// Text + reference voice → speech, with a trained ``FusionTTS``:
/// symbols → token ids → model (predicted durations) → log-mel → vocoder → samples.
public struct Synthesizer {
    public let model: FusionTTS
    /// Griffin-Lim unless a trained vocoder was given.
    public let vocoder: MelVocoder

    /// Speaks through `vocoder` (a trained vocoder's checkpoint), or Griffin-Lim when nil; a
    /// vocoder trained on other mel features than the model's is refused.
    public init(model: FusionTTS, vocoder: VocoderCheckpoint? = nil) throws {
        self.model = model
        if let vocoder {
            guard vocoder.features == model.config.features else {
                throw ModelError("the vocoder was trained on other mel features (\(vocoder.features)) than the model's (\(model.config.features)); train it on the model's data settings")
            }
            self.vocoder = .neural(try vocoder.makeVocoder())
        } else {
            self.vocoder = .griffinLim(try GriffinLimVocoder(features: model.config.features, config: model.config.vocoder))
        }
    }

    /// Loads the model from a checkpoint file (its configuration rebuilds the model), and a
    /// trained vocoder's from `vocoder` when given.
    public init(checkpoint url: URL, vocoder: URL? = nil) throws {
        try self.init(model: Checkpoint(contentsOf: url).makeModel(), vocoder: vocoder.map(VocoderCheckpoint.init(contentsOf:)))
    }

    /// What one synthesis gives.
    public struct Result {
        public let samples: [Float]
        public let sampleRate: Int
        public let mel: LogMel
        /// Frames per token.
        public let durations: [Int]
        /// `tokens × reference frames` attention (rows sum to 1), if the fusion has one.
        public let attention: AttentionMap?
        /// Symbols not in the vocabulary, left out.
        public let skippedSymbols: [String]
    }

    /// The model's symbols for `text`: espeak-ng phonemes (Text's ``Phonemizer``) or
    /// normalised characters, as the model was trained on (``ModelConfig/text``).
    public func symbols(_ text: String) throws -> [String] {
        switch model.config.text {
        case .phonemes: try Phonemizer().symbols(text)
        case .characters: CharacterTokenizer().normalizer.normalize(text).map(String.init)
        }
    }

    /// Token ids of `symbols`; unknown ones are skipped (and reported), but text with no
    /// known symbol (besides word boundaries and pauses) is an error.
    public func tokens(_ symbols: [String]) throws -> (ids: [Int], skipped: [String]) {
        let index = Dictionary(model.config.symbols.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let special: Set<String> = [PhonemeSymbols.padding, PhonemeSymbols.unknown]
        let silent: Set<String> = [PhonemeSymbols.wordBoundary, PhonemeSymbols.pause]
        var ids: [Int] = [], skipped: [String] = []
        for s in symbols {
            if let id = index[s], id > 0, !special.contains(s) { ids.append(id) } else { skipped.append(s) }
        }
        guard ids.contains(where: { !silent.contains(model.config.symbols[$0]) }) else {
            throw ModelError("the text has no symbol the model knows (\(symbols.count) symbols, e.g. \(symbols.prefix(8).map { "'\($0)'" }.joined(separator: " "))); the model's vocabulary has \(model.config.symbols.count - 1) symbols, e.g. \(model.config.symbols.dropFirst().prefix(12).joined(separator: " "))")
        }
        return (ids, skipped)
    }

    /// Speaks `text` in the voice of `reference` (samples at the model's sample rate).
    public func synthesize(text: String, reference: [Float]) throws -> Result {
        try synthesize(symbols: symbols(text), reference: reference)
    }

    /// Speaks `symbols` in the voice of `reference` (samples at the model's sample rate).
    public func synthesize(symbols: [String], reference: [Float], wordFeatures: [Float]? = nil) throws -> Result {
        try synthesize(symbols: symbols, referenceMel: referenceMel(reference), wordFeatures: wordFeatures)
    }

    /// Speaks `symbols` in the voice of a reference log-mel, with the word features or the
    /// fine-tuned BERT's input a model trained with them needs.
    public func synthesize(symbols: [String], referenceMel: LogMel, wordFeatures: [Float]? = nil,
                           bertInput: BERTWordInput? = nil) throws -> Result {
        let (ids, skipped) = try tokens(symbols)
        let (mel, durations, attention) = try model.infer(tokens: ids, reference: referenceMel, wordFeatures: wordFeatures,
                                                          bertInput: bertInput)
        return Result(samples: try vocoder(mel), sampleRate: model.config.features.sampleRate, mel: mel,
                      durations: durations, attention: attention, skippedSymbols: skipped)
    }

    /// The reference's log-mel; refuses a reference shorter than one STFT frame or silent.
    public func referenceMel(_ samples: [Float]) throws -> LogMel {
        let f = model.config.features
        guard samples.count >= f.settings.nFFT else {
            throw ModelError("the reference is \(samples.count) samples long, shorter than one analysis frame (n_fft = \(f.settings.nFFT) samples at \(f.sampleRate) Hz); use a recording of at least a second")
        }
        let peak = samples.reduce(Float(0)) { max($0, abs($1)) }
        guard peak > 1e-4 else {
            throw ModelError("the reference is silent (peak amplitude \(peak)); use a recording of the voice to imitate")
        }
        return try f.logMel(samples)
    }
}

extension FusionTTS {
    /// Free-running inference on one utterance: predicted durations (and pitch/energy).
    /// Returns the final log-mel, frames per token and the attention map (tokens × frames).
    public func infer(tokens: [Int], reference: LogMel, wordFeatures: [Float]? = nil,
                      bertInput: BERTWordInput? = nil) throws
        -> (mel: LogMel, durations: [Int], attention: AttentionMap?) {
        let n = config.features.nMels
        let probe = Utterance(id: "synthesis", speaker: "reference", tokens: tokens, durations: nil,
                              mel: LogMel(frames: 0, bands: n, values: []), reference: reference,
                              wordFeatures: wordFeatures, bertInput: bertInput)
        try check(probe)
        return inEvaluation {
            let out = self(batch([probe]), teacherForced: false, attention: true)
            let mel = out.finalMel
            let attention = out.attention.map { AttentionMap(tokens: $0.shape[1], frames: $0.shape[2], values: $0.scalars) }
            return (LogMel(frames: mel.shape[1], bands: n, values: mel.scalars), out.durations[0], attention)
        }
    }

    /// Throws if `u` does not fit this model (token ids, mel bands, reference length, word
    /// features or the fine-tuned BERT's input).
    public func check(_ u: Utterance) throws {
        let n = config.features.nMels, v = config.symbols.count
        guard !u.tokens.isEmpty else { throw ModelError("utterance \(u.id): no tokens") }
        if let bad = u.tokens.first(where: { $0 <= 0 || $0 >= v }) {
            throw ModelError("utterance \(u.id): token id \(bad) is outside the vocabulary 1..<\(v)")
        }
        guard u.mel.bands == n, u.reference.bands == n else {
            throw ModelError("utterance \(u.id): mel has \(u.mel.bands) bands and reference \(u.reference.bands), the model \(n) (data.n_mels)")
        }
        guard u.reference.frames > 0 else { throw ModelError("utterance \(u.id): the reference has no frame") }
        if let bert { return try check(u.bertInput, of: u, for: bert) }
        switch (config.wordFeatureDim, u.wordFeatures) {
        case (nil, nil): break
        case (let d?, let w?) where w.count == d * u.tokens.count: break
        case (let d, let w):
            throw ModelError("utterance \(u.id): word features of \(w?.count ?? 0) values, the model wants \(d.map { "\($0) per token" } ?? "none")")
        }
    }

    /// Throws unless `input` is what `bert` can read for `u`: ids it knows, a word for every token.
    private func check(_ input: BERTWordInput?, of u: Utterance, for bert: BERTModel) throws {
        guard let input else {
            throw ModelError("utterance \(u.id): the model fine-tunes BERT and needs the utterance's BERT input (its text's word pieces)")
        }
        do { try bert.checkInput(input.ids) } catch {
            throw ModelError("utterance \(u.id): \(error)")
        }
        guard input.tokenWords.count == u.tokens.count,
              input.tokenWords.allSatisfy({ $0 >= 0 && $0 < input.piecesPerWord.count }),
              input.piecesPerWord.reduce(0, +) == input.ids.count - 2 else {
            throw ModelError("utterance \(u.id): its BERT input does not fit its \(u.tokens.count) tokens (\(input.tokenWords.count) token words, \(input.piecesPerWord.count) words, \(input.ids.count) pieces)")
        }
    }
}

/// Attention of each token over the reference frames, `values[token * frames + frame]`
/// (rows sum to 1), for the report's picture.
public struct AttentionMap: Sendable, Equatable {
    public let tokens: Int, frames: Int
    public let values: [Float]
}

extension Synthesizer {
    /// Speaks text of any length piece by piece (sentences, clauses: ``TextPieces``), joined
    /// with `pause` seconds of silence. Memory is bounded by the longest piece, not the text:
    /// attention over one 5,000-word utterance would need gigabytes.
    ///
    /// The result's mel has the pauses as frames of the quietest value; its attention is nil
    /// when there is more than one piece.
    public func synthesize(longText text: String, referenceMel: LogMel, bert: PretrainedBERT?,
                           pause: Double = 0.25) throws -> Result {
        let pieces = TextPieces.split(text)
        guard pieces.count > 1 else { return try synthesize(text: text, referenceMel: referenceMel, bert: bert) }
        let features = model.config.features
        let pauseSamples = Int(pause * Double(features.sampleRate))
        let pauseFrames = pauseSamples / features.settings.hopLength
        var samples: [Float] = [], mel: [Float] = [], frames = 0, durations: [Int] = [], skipped: [String] = []
        for (index, piece) in pieces.enumerated() {
            let spoken = try synthesize(text: piece, referenceMel: referenceMel, bert: bert)
            if index > 0 {
                samples += repeatElement(0, count: pauseSamples)
                mel += repeatElement(spoken.mel.values.min() ?? 0, count: pauseFrames * features.nMels)
                frames += pauseFrames
            }
            samples += spoken.samples
            mel += spoken.mel.values
            frames += spoken.mel.frames
            durations += spoken.durations
            skipped += spoken.skippedSymbols.filter { !skipped.contains($0) }
        }
        return Result(samples: samples, sampleRate: features.sampleRate,
                      mel: LogMel(frames: frames, bands: features.nMels, values: mel),
                      durations: durations, attention: nil, skippedSymbols: skipped)
    }
}
