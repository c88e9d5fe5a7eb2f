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
    public func synthesize(symbols: [String], reference: [Float]) throws -> Result {
        let (ids, skipped) = try tokens(symbols)
        let (mel, durations, attention) = try model.infer(tokens: ids, reference: referenceMel(reference))
        return Result(samples: try vocoder(mel), sampleRate: model.config.features.sampleRate, mel: mel,
                      durations: durations, attention: attention, skippedSymbols: skipped)
    }

    /// Speaks `text` (one piece: see ``synthesize(texts:referenceMel:bert:pause:batchSize:)``
    /// for text of any length) in the voice of a reference log-mel.
    public func synthesize(text: String, referenceMel: LogMel, bert: PretrainedBERT?) throws -> Result {
        let (input, skipped) = try spokenInput(text, bert: bert)
        let (mel, durations, attention) = try model.infer([input], voice: model.encodeVoice(referenceMel))[0]
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

/// One piece of text as the model reads it: token ids, and the word features or fine-tuned
/// BERT input a model trained with them needs.
public struct SpokenInput: Sendable {
    public var tokens: [Int]
    public var wordFeatures: [Float]?
    public var bertInput: BERTWordInput?

    public init(tokens: [Int], wordFeatures: [Float]? = nil, bertInput: BERTWordInput? = nil) {
        self.tokens = tokens
        self.wordFeatures = wordFeatures
        self.bertInput = bertInput
    }
}

extension FusionTTS {
    /// Free-running inference on one utterance: predicted durations (and pitch/energy).
    /// Returns the final log-mel, frames per token and the attention map (tokens × frames).
    public func infer(tokens: [Int], reference: LogMel, wordFeatures: [Float]? = nil,
                      bertInput: BERTWordInput? = nil) throws
        -> (mel: LogMel, durations: [Int], attention: AttentionMap?) {
        try infer([SpokenInput(tokens: tokens, wordFeatures: wordFeatures, bertInput: bertInput)],
                  voice: encodeVoice(reference))[0]
    }

    /// Free-running inference of several inputs in one voice, as one padded batch (the
    /// voice encoded once): each input's log-mel, frames per token and attention map.
    public func infer(_ inputs: [SpokenInput], voice: EncodedVoice) throws
        -> [(mel: LogMel, durations: [Int], attention: AttentionMap?)] {
        guard !inputs.isEmpty else { return [] }
        let n = config.features.nMels
        // The batch's references are not read (the voice replaces them): one silent frame each.
        let placeholder = LogMel(frames: 1, bands: n, values: [Float](repeating: 0, count: n))
        let probes = inputs.enumerated().map { index, input in
            Utterance(id: "synthesis-\(index)", speaker: "reference", tokens: input.tokens, durations: nil,
                      mel: LogMel(frames: 0, bands: n, values: []), reference: placeholder,
                      wordFeatures: input.wordFeatures, bertInput: input.bertInput)
        }
        for probe in probes { try check(probe) }
        return inEvaluation {
            let out = self(batch(probes), teacherForced: false, attention: true, voice: voice)
            let (frames, mel) = (out.finalMel.shape[1], out.finalMel.scalars)
            let attention = out.attention.map { ($0.shape[1], $0.shape[2], $0.scalars) }
            return inputs.indices.map { b in
                let tokens = inputs[b].tokens.count
                let durations = Array(out.durations[b].prefix(tokens)), length = durations.reduce(0, +)
                let map = attention.map { width, referenceFrames, values in
                    let start = b * width * referenceFrames
                    return AttentionMap(tokens: tokens, frames: referenceFrames,
                                        values: Array(values[start..<start + tokens * referenceFrames]))
                }
                return (LogMel(frames: length, bands: n, values: Array(mel[b * frames * n..<(b * frames + length) * n])),
                        durations, map)
            }
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
    /// Speaks several texts of any length in one voice. The reference is encoded once; each
    /// text is cut into pieces (sentences, clauses: ``TextPieces``), and the pieces of all
    /// texts go through the model in batches of up to `batchSize` of similar length, then
    /// through the vocoder one by one. Each text's pieces are joined with `pause` seconds of
    /// silence. Memory is bounded by the batch, not the text: attention over one 5,000-word
    /// utterance would need gigabytes.
    ///
    /// A result's mel has the pauses as frames of the quietest value; its attention is nil
    /// when the text had more than one piece.
    public func synthesize(texts: [String], referenceMel: LogMel, bert: PretrainedBERT?,
                           pause: Double = 0.25, batchSize: Int = 8) throws -> [Result] {
        precondition(batchSize > 0, "Synthesizer: batch size \(batchSize)")
        let voice = try model.encodeVoice(referenceMel)
        let pieces = texts.map { text in
            let pieces = TextPieces.split(text)
            return pieces.isEmpty ? [text] : pieces  // refused by spokenInput, with the reason
        }
        var inputs: [SpokenInput] = [], skipped: [[String]] = []
        for piece in pieces.joined() {
            let (input, unknown) = try spokenInput(piece, bert: bert)
            inputs.append(input)
            skipped.append(unknown)
        }
        var spoken = [(mel: LogMel, durations: [Int], attention: AttentionMap?)?](repeating: nil, count: inputs.count)
        let byLength = inputs.indices.sorted { inputs[$0].tokens.count < inputs[$1].tokens.count }
        for start in stride(from: 0, to: byLength.count, by: batchSize) {
            let batch = Array(byLength[start..<min(start + batchSize, byLength.count)])
            for (index, result) in zip(batch, try model.infer(batch.map { inputs[$0] }, voice: voice)) { spoken[index] = result }
        }
        let features = model.config.features
        let pauseSamples = Int(pause * Double(features.sampleRate))
        let pauseFrames = pauseSamples / features.settings.hopLength
        var next = 0
        return try pieces.map { textPieces in
            var samples: [Float] = [], mel: [Float] = [], frames = 0, durations: [Int] = [], unknown: [String] = []
            let first = next
            for index in next..<next + textPieces.count {
                let (pieceMel, pieceDurations, _) = spoken[index]!
                if index > first {
                    samples += repeatElement(0, count: pauseSamples)
                    mel += repeatElement(pieceMel.values.min() ?? 0, count: pauseFrames * features.nMels)
                    frames += pauseFrames
                }
                samples += try vocoder(pieceMel)
                mel += pieceMel.values
                frames += pieceMel.frames
                durations += pieceDurations
                unknown += skipped[index].filter { !unknown.contains($0) }
            }
            next += textPieces.count
            return Result(samples: samples, sampleRate: features.sampleRate,
                          mel: LogMel(frames: frames, bands: features.nMels, values: mel), durations: durations,
                          attention: textPieces.count == 1 ? spoken[first]!.attention : nil, skippedSymbols: unknown)
        }
    }
}
