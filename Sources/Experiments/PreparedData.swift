import Config
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
    /// Markdown for the report: sizes, speakers, what was reused or skipped.
    let summary: String
    /// Whether the corpus and its features were already built (nothing was computed).
    let fromCache: Bool

    var symbols: [String] { utterances.symbols }

    static func prepare(config: ConfigValue, cacheDirectory: URL, log: (String) -> Void) throws -> PreparedData {
        let started = Date()
        let sampleRate = config["data.sample_rate"]!.int!
        let seed = UInt64(config["seed"]!.int!)
        let source = config["data.corpus"]!.string!
        let root: URL
        let featureCache = cacheDirectory.appendingPathComponent("features")
        let cachedBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: featureCache.path)) ?? [])
        var corpusBuilt = false
        if source == "builtin" {
            let recipe = try BuiltInCorpus.Recipe(utterances: config["data.builtin.utterances"]!.int!,
                                                  speakers: config["data.builtin.speakers"]!.int!, seed: seed)
            let progress = Progress("corpus", total: recipe.utterances, unit: "utterances")
            root = try BuiltInCorpus.build(recipe, cache: cacheDirectory) { done, _ in
                corpusBuilt = true
                progress.update(done)
            }
        } else {
            root = URL(fileURLWithPath: (source as NSString).expandingTildeInPath)
        }
        let corpus = try Corpus.load(root, sampleRate: sampleRate, skipBad: config["data.skip_bad"]!.bool!)
        corpus.notes.forEach(log)
        var settings = MelSettings()
        settings.nFFT = config["data.n_fft"]!.int!
        settings.winLength = settings.nFFT
        settings.hopLength = config["data.hop"]!.int!
        settings.nMels = config["data.n_mels"]!.int!
        settings.fmin = config["data.fmin"]!.double!
        settings.fmax = config["data.fmax"]!.double!
        let featureProgress = Progress("features", total: corpus.items.count, unit: "utterances")
        let features = try MelFeatures.load(for: corpus, settings: settings, cache: featureCache) { done, _ in
            featureProgress.update(done)
        }
        let fromCache = !corpusBuilt && cachedBefore.contains(features.folder.lastPathComponent)
        let utterances = try CorpusUtterances(
            corpus: corpus, features: features, validationFraction: config["data.validation"]!.double!,
            heldOutSpeakers: config["data.held_out_speakers"]!.int!, seed: seed)
        var bert: PretrainedBERT?
        var sets = [utterances.train, utterances.validation, utterances.unseenSpeakers]
        let fineTune = Settings.fineTunesBERT(config)
        if let folder = config["model.bert.path"]?.string {
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
        let summary = """
            \(corpus.summary)

            - training: \(utterances.train.count) utterances
            - validation (held-out sentences of the training speakers): \(utterances.validation.count)
            - unseen speakers (voices never trained on): \(utterances.unseenSpeakers.count)

            \(speakers.count) speakers (\(config["data.held_out_speakers"]!.int!) held out), \
            \(utterances.symbols.count - 1) symbols, \(settings.nMels) mel bins at \(sampleRate) Hz; \
            prepared in \(String(format: "%.1f", Date().timeIntervalSince(started))) s from `\(root.path)`\
            \(fromCache ? " (corpus and features from the cache)" : "").
            """
        return PreparedData(corpus: corpus, utterances: utterances, bert: bert, train: sets[0],
                            validation: sets[1], unseen: sets[2], summary: summary + (bert == nil ? "" : fineTune
                                ? " Word features from the encoder in `\(config["model.bert.path"]!.string!)`, fine-tuned with the model."
                                : " Word features from the pretrained encoder in `\(config["model.bert.path"]!.string!)`."),
                            fromCache: fromCache)
    }

    func text(of utterance: Utterance) -> String {
        corpus.items.first { $0.id == utterance.id }?.text ?? utterance.id
    }

    /// The recording of `utterance`, at the corpus sample rate.
    func audio(of utterance: Utterance) -> [Float]? {
        guard let item = corpus.items.first(where: { $0.id == utterance.id }) else { return nil }
        return try? corpus.waveform(of: item).samples
    }
}

extension Settings {
    static func model(_ config: ConfigValue, data: PreparedData) -> ModelConfig {
        model(config, symbols: data.symbols, features: data.utterances.features, wordFeatureDim: data.bert?.hiddenSize,
              bert: fineTunesBERT(config) ? data.bert?.model.config : nil)
    }
}
