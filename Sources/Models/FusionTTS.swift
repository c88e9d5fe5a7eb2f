import NN
import Tensor

/// The text + audio fusion synthesiser: what is said (tokens), how it should sound (a
/// reference mel), out comes a log-mel.
///
/// ```
/// w = BERT(text) spread over each word's tokens     [B, T, hidden]  (optional)
/// x = TextEncoder(tokens, w)                        [B, T, d]
/// a = AudioEncoder(reference)                       frames [B, R, d], global [B, d]
/// x = Fusion(x, a)                                  [B, T, d]
/// h = VarianceAdaptor(x) (length regulation, pitch, energy)    [B, F, d]
/// mel = Decoder(h);  mel_post = PostNet(mel)        [B, F, n_mels]
/// ```
/// Parameter names are the properties' (`text_encoder.layers.0.self_attn.in_proj_weight`).
///
/// The word features `w` come precomputed with each utterance from a frozen encoder, or from
/// the model's own ``bert`` when it is fine-tuned (``ModelConfig/bert``): then BERT runs in
/// every forward pass, its parameters (`bert.*`) train with the rest and its dropout draws
/// from ``dropoutSource``.
///
/// When the durations are learned (``ModelConfig/aligner``), the model owns an ``Aligner``
/// (`aligner.encoder.*`) over its phoneme embeddings (before the text encoder, as in
/// FastPitch 1.1) and the target mel; ``align(_:binarizationWeight:)`` gives the hard
/// durations that teacher forcing then uses (``Batch/settingDurations(_:)``).
public final class FusionTTS: Module {
    public let config: ModelConfig
    /// Every dropout draw of the model; the trainer saves and restores it.
    public let dropoutSource: DropoutSource
    @Key("text_encoder") public var textEncoder: TextEncoder
    @Key("audio_encoder") public var audioEncoder: AudioEncoder
    public let fusion: any Fusion
    @Key("variance_adaptor") public var varianceAdaptor: VarianceAdaptor
    public let decoder: Decoder
    public let postnet: PostNet?
    /// The BERT fine-tuned with the model, nil when word features are precomputed or absent.
    /// Freshly initialised here; training starts it from pretrained weights
    /// (``Module/load(stateDict:)`` with a ``PretrainedBERT``'s model's), checkpoints carry it.
    public let bert: BERTModel?
    /// The aligner learning the durations with the model, nil when the corpus gives them.
    /// Made last, so the other weights are those of the same model without it.
    public let aligner: Aligner?

    /// A freshly initialised model; the same `seed` gives the same weights (a fine-tuned BERT
    /// is made last, so the other weights are those of the same model without it).
    public init(_ config: ModelConfig, seed: UInt64) {
        precondition(config.bert == nil || config.bert?.hiddenSize == config.wordFeatureDim,
                     "FusionTTS: the fine-tuned BERT's hidden size must be the word feature width")
        self.config = config
        var generator = SplitMix64(seed: seed)
        dropoutSource = DropoutSource(seed: generator.next())
        _textEncoder.wrappedValue = TextEncoder(config, source: dropoutSource, generator: &generator)
        _audioEncoder.wrappedValue = AudioEncoder(config, generator: &generator)
        fusion = makeFusion(config, generator: &generator)
        _varianceAdaptor.wrappedValue = VarianceAdaptor(config, source: dropoutSource, generator: &generator)
        decoder = Decoder(config, generator: &generator)
        postnet = config.decoder.postnet ? PostNet(nMels: config.features.nMels, dim: config.dim, generator: &generator) : nil
        let source = dropoutSource
        bert = config.bert.map { BERTModel(config: $0, generator: &generator, dropoutSource: source) }
        aligner = config.aligner.map {
            Aligner(textChannels: config.dim, melChannels: config.features.nMels, attentionChannels: $0.attentionDim,
                    temperature: Float($0.temperature), priorWeight: Float($0.priorWeight), generator: &generator)
        }
    }

    /// The aligner's alignment of `batch`'s phonemes (their embeddings) to its target mel. The
    /// aligner sees the spoken tokens only; word boundaries get 0 frames (``SpokenTokens``).
    /// - Throws: ``ModelError`` when the model has no aligner or an utterance has fewer
    ///   frames than phonemes.
    public func align(_ batch: Batch, binarizationWeight: Float = 0) throws -> AlignmentOutput {
        guard let aligner else { throw ModelError("the model has no aligner (its durations come with the corpus)") }
        let spoken = SpokenTokens(batch)
        let embeddings = textEncoder.embedding(spoken.tokens, shape: [batch.size, spoken.width])
        var output: AlignmentOutput
        do {
            output = try aligner(text: embeddings, mels: batch.mel, textLengths: spoken.lengths,
                                 melLengths: batch.frameLengths, binarizationWeight: binarizationWeight)
        } catch { throw ModelError("the aligner refused a batch: \(error)") }
        output.durations = spoken.spread(output.durations)
        return output
    }

    /// `items` as a batch for teacher forcing: with their own durations, or else the
    /// aligner's (computed without gradient).
    public func teacherForcingBatch(_ items: [Utterance]) throws -> Batch {
        let batch = batch(items)
        if batch.durations != nil { return batch }
        guard aligner != nil else {
            throw ModelError("utterance \(items.first { $0.durations == nil }?.id ?? "?") has no durations and the model no aligner to learn them")
        }
        return batch.settingDurations(try noGrad { try align(batch) }.durations)
    }

    /// The diagonality of each utterance's alignment by the aligner's own encoders, without
    /// the prior that guides them in training (``AlignmentQuality/diagonality(logSoftAttention:textLengths:melLengths:)``).
    func alignmentDiagonality(_ batch: Batch) throws -> [Double]? {
        guard let aligner else { return nil }
        let spoken = SpokenTokens(batch)
        let embeddings = textEncoder.embedding(spoken.tokens, shape: [batch.size, spoken.width])
        let attention = aligner.encoder(text: embeddings, mels: batch.mel, textLengths: spoken.lengths).logSoftAttention
        return try AlignmentQuality.diagonality(logSoftAttention: attention, textLengths: spoken.lengths,
                                                melLengths: batch.frameLengths)
    }

    /// `items` as this model reads them: with their precomputed word features, or with the
    /// input of its fine-tuned BERT.
    public func batch(_ items: [Utterance]) -> Batch {
        Batch(items, nMels: config.features.nMels, wordFeatureDim: bert == nil ? config.wordFeatureDim : nil,
              bertInput: bert != nil)
    }

    /// What one forward pass gives.
    public struct Output {
        /// Decoder log-mel `[B, F, n_mels]` and the post-net's refinement of it.
        public let mel: Tensor, postnetMel: Tensor?
        /// Predicted `ln(d + 1)` per token `[B, T, 1]`.
        public let logDurations: Tensor
        /// Frames per token used for length regulation (ground truth or predicted).
        public let durations: [[Int]]
        /// Predicted frame pitch, voicing logits and energy `[B, F, 1]` (``VarianceAdaptor``).
        public let pitch: Tensor?, voicing: Tensor?, energy: Tensor?
        /// `[B, F]` valid frames.
        public let frameMask: Tensor
        /// `[B, T, R]` attention of text over reference frames (``Fusion/attentionMap``), if
        /// asked for and the fusion kind has one.
        public let attention: Tensor?

        /// The final mel: the post-net's if there is one.
        public var finalMel: Tensor { postnetMel ?? mel }
    }

    /// Runs the model on `batch`. `teacherForced`: regulate with the batch's durations and
    /// add its pitch/energy targets (training, aligned validation); otherwise use the
    /// predicted ones (synthesis).
    /// `voice`: the reference encoded once (``encodeVoice(_:)``) and used for every item of
    /// the batch instead of the batch's references, as synthesis of many sentences in one
    /// voice does.
    public func callAsFunction(_ batch: Batch, teacherForced: Bool, attention: Bool = false,
                               voice: EncodedVoice? = nil) -> Output {
        let b = batch.size
        var words = batch.wordFeatures
        if let bert {
            guard let input = batch.bert else { preconditionFailure("FusionTTS: the model fine-tunes BERT; make the batch with batch(_:)") }
            words = bert.phonemeFeatures(input)
        }
        let text = textEncoder(batch.tokens, batch: b, padding: batch.tokenPadding, wordFeatures: words)
        let audio = voice.map { $0.expanded(to: b) } ?? audioEncoder(batch.reference, mask: batch.referenceMask)
        let referencePadding = voice.map { $0.padding(batch: b) } ?? batch.referencePadding
        let fused = fusion(text: text, textMask: batch.tokenMask, audio: audio, audioPadding: referencePadding)
            .masked(batch.tokenMask)
        let logDurations = varianceAdaptor.durationPredictor(fused, mask: batch.tokenMask)
        if teacherForced && batch.durations == nil {
            preconditionFailure("FusionTTS: teacher forcing needs durations, the corpus's or the aligner's (Batch.settingDurations)")
        }
        let durations = teacherForced ? batch.durations!
            : VarianceAdaptor.frames(fromLogDurations: logDurations, tokenMask: batch.tokenMask)
        let frames = teacherForced ? batch.frameCount : durations.map { $0.reduce(0, +) }.max()!
        let frameMask = teacherForced ? batch.frameMask : Batch.mask(durations.map { $0.reduce(0, +) }, length: frames)
        let regulated = fused.repeatInterleave(batchCounts: durations, length: frames)
        let targets = VarianceAdaptor.Targets(pitch: batch.pitch, voicing: batch.voicing,
                                              smoothPitch: batch.smoothPitch, energy: batch.energy)
        let levels = varianceAdaptor.referencePitch.map { sieve in
            voice.map { Tensor([Float](repeating: $0.pitchLevel, count: b), shape: [b, 1, 1]) }
                ?? sieve.levels(batch.reference, mask: batch.referenceMask)
        }
        let variances = varianceAdaptor.addVariances(regulated, frameMask: frameMask,
                                                     targets: teacherForced ? targets : nil, pitchLevels: levels)
        let mel = decoder(variances.features, frameMask: frameMask, framePadding: 1 - frameMask)
        let map = attention ? fusion.attentionMap(text: text, textMask: batch.tokenMask, audio: audio.sequence,
                                                  audioPadding: referencePadding) : nil
        return Output(mel: mel, postnetMel: postnet.map { $0(mel, frameMask: frameMask) }, logDurations: logDurations,
                      durations: durations, pitch: variances.pitch, voicing: variances.voicing, energy: variances.energy,
                      frameMask: frameMask, attention: map)
    }
}

extension FusionTTS {
    /// Runs `body` in evaluation mode (no dropout) without gradients, then restores the mode.
    func inEvaluation<R>(_ body: () throws -> R) rethrows -> R {
        let wasTraining = training
        eval()
        defer { train(wasTraining) }
        return try noGrad(body)
    }
}
