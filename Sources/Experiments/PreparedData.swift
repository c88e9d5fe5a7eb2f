import Data
import Foundation
import Models

/// The corpus as the model sees it: symbols, mel format, and utterances for training,
/// validation (held-out sentences of the training speakers) and unseen voices.
///
/// The built-in corpus is built once per recipe and the mel features once per corpus and
/// settings (both cached under `--cache`), so preparing again is a matter of seconds.
struct PreparedData {
    let corpus: Corpus
    let utterances: CorpusUtterances
    /// The pretrained encoder, if any: frozen, its word features carried by every utterance;
    /// or the starting point of the model's fine-tuned BERT, every utterance carrying its
    /// word pieces (``Utterance/bertInput``). Its tokenizer serves synthesis either way.
    let bert: PretrainedBERT?
    let train: [Utterance]
    let validation: [Utterance]
    let unseen: [Utterance]
    /// What the model reads: phonemes or characters.
    let text: ModelConfig.TextKind
    /// Whether the model trains its own copy of ``bert`` (else its features are precomputed).
    let fineTunesBERT: Bool
    /// Whether the model learns the durations with its aligner (`data.durations`).
    let learnsDurations: Bool
    /// Markdown for the report: sizes, speakers, what was reused or skipped.
    let summary: String
    /// Whether the corpus and its features were already built (nothing was computed).
    let fromCache: Bool

    var symbols: [String] { utterances.symbols }

    static func prepare(_ settings: ExperimentSettings, cacheDirectory: URL, log: (String) -> Void) throws -> PreparedData {
        let started = Date()
        let data = settings.data
        let seed = UInt64(settings.seed)
        let root: URL
        let featureCache = MelFeatures.folder(in: cacheDirectory)
        let cachedBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: featureCache.path)) ?? [])
        var corpusBuilt = false
        if let folder = data.corpusFolder {
            root = folder
        } else {
            let recipe = try BuiltInCorpus.Recipe(utterances: data.builtin.utterances, speakers: data.builtin.speakers,
                                                  seed: seed)
            let progress = Progress("corpus", total: recipe.utterances, unit: "utterances")
            root = try BuiltInCorpus.build(recipe, cache: cacheDirectory) { done, _ in
                corpusBuilt = true
                progress.update(done)
            }
        }
        let corpus = try Corpus.load(root, sampleRate: data.sampleRate, skipBad: data.skipBad,
                                     requireDurations: data.needsDurations)
        corpus.notes.forEach(log)
        let mel = data.mel
        let featureProgress = Progress("features", total: corpus.items.count, unit: "utterances")
        let features = try MelFeatures.load(for: corpus, settings: mel, cache: cacheDirectory) { done, _ in
            featureProgress.update(done)
        }
        let fromCache = !corpusBuilt && cachedBefore.contains(features.folder.lastPathComponent)
        let utterances = try CorpusUtterances(
            corpus: corpus, features: features, validationFraction: data.validation,
            heldOutSpeakers: data.heldOutSpeakers, seed: seed, learnDurations: data.learnsDurations)
        if let first = utterances.tooShort.first {
            log("left out \(utterances.tooShort.count) utterances with fewer mel frames than phonemes (first: \(first)): "
                + "the aligner gives every phoneme a frame; a smaller data.hop keeps them")
        }
        var bert: PretrainedBERT?
        var sets = [utterances.train, utterances.validation, utterances.unseenSpeakers]
        let fineTune = settings.model.fineTunesBERT
        if let folder = settings.model.bert.path {
            let encoder = try PretrainedBERT(folder: URL(fileURLWithPath: folder))
            let texts = Dictionary(corpus.items.map { ($0.id, $0.normalizedText) }, uniquingKeysWith: { a, _ in a })
            let progress = Progress("bert", total: sets.map(\.count).reduce(0, +))
            var done = 0
            for s in sets.indices {
                for u in sets[s].indices {
                    let utterance = sets[s][u], text = texts[utterance.id] ?? ""
                    if fineTune {  // the model's own BERT reads the pieces at every step
                        sets[s][u].bertInput = try encoder.wordInput(tokens: utterance.tokens, symbols: utterances.symbols, text: text)
                    } else {
                        sets[s][u].wordFeatures = try encoder.phonemeWordFeatures(
                            tokens: utterance.tokens, symbols: utterances.symbols, text: text)
                    }
                    done += 1
                    progress.update(done)
                }
            }
            bert = encoder
        }
        let speakers = corpus.speakers
        let durationsNote = !data.learnsDurations ? "from `\(DurationsFile.name)` (`data.durations: \(data.durations.rawValue)`)"
            : "learned by the aligner trained with the model (`data.durations: \(data.durations.rawValue)`)"
                + (corpus.durationsFile == nil ? "" : "; the corpus's own are kept only to measure it")
                + (utterances.tooShort.isEmpty ? "" : "; \(utterances.tooShort.count) utterances with fewer frames than phonemes left out")
        let summary = """
            \(corpus.summary)

            - training: \(utterances.train.count) utterances
            - validation (held-out sentences of the training speakers): \(utterances.validation.count)
            - unseen speakers (voices never trained on): \(utterances.unseenSpeakers.count)

            \(speakers.count) speakers (\(data.heldOutSpeakers) held out), \
            \(utterances.symbols.count - 1) symbols, \(mel.nMels) mel bins at \(data.sampleRate) Hz; \
            prepared in \(String(format: "%.1f", Date().timeIntervalSince(started))) s from `\(root.path)`\
            \(fromCache ? " (corpus and features from the cache)" : "").

            Phoneme durations: \(durationsNote).
            """
        let bertNote = settings.model.bert.path.map { folder in fineTune
            ? " Word features from the encoder in `\(folder)`, fine-tuned with the model."
            : " Word features from the pretrained encoder in `\(folder)`." } ?? ""
        return PreparedData(corpus: corpus, utterances: utterances, bert: bert, train: sets[0],
                            validation: sets[1], unseen: sets[2], text: data.text, fineTunesBERT: fineTune,
                            learnsDurations: data.learnsDurations, summary: summary + bertNote, fromCache: fromCache)
    }

    func text(of utterance: Utterance) -> String {
        corpus.items.first { $0.id == utterance.id }?.text ?? utterance.id
    }

    /// The recording of `utterance`, at the corpus sample rate.
    func audio(of utterance: Utterance) -> [Float]? {
        guard let item = corpus.items.first(where: { $0.id == utterance.id }) else { return nil }
        return try? corpus.waveform(of: item).samples
    }

    /// The model `settings` describe, shaped by this data (symbols, features, BERT).
    func modelConfig(_ settings: ModelSettings) -> ModelConfig {
        settings.config(text: text, symbols: symbols, features: utterances.features, wordFeatureDim: bert?.hiddenSize,
                        bert: fineTunesBERT ? bert?.model.config : nil, learnsDurations: learnsDurations)
    }
}
