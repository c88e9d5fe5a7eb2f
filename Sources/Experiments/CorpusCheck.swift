import Data
import Foundation

extension Experiment {
    /// Whether a cell reads the corpus (`prepare`, `train`, `evaluate`, `synthesize`).
    var readsCorpus: Bool { settings.cells.contains { $0.kind != .markdown && $0.kind != .compare } }

    /// Checks, in seconds and before a run is created, what a user gets wrong about a corpus:
    /// the folder, metadata.csv, every wav's header, durations.jsonl (present and well-formed
    /// while training needs it) and that `data.held_out_speakers` leaves a speaker to train
    /// on. Computes no features and builds no built-in corpus (only its speakers are checked).
    public func checkCorpus() throws {
        guard readsCorpus else { return }
        let data = settings.data
        guard let folder = data.corpusFolder else {
            let recipe = try BuiltInCorpus.Recipe(utterances: data.builtin.utterances, speakers: data.builtin.speakers,
                                                  seed: UInt64(settings.seed))
            return try Corpus.checkHeldOutSpeakers(data.heldOutSpeakers, speakers: recipe.speakers.map(\.name),
                                                   corpus: "the built-in corpus (data.builtin.speakers)")
        }
        let corpus = try Corpus.load(folder, sampleRate: data.sampleRate, skipBad: data.skipBad,
                                     requireDurations: data.needsDurations)
        try corpus.checkHeldOutSpeakers(data.heldOutSpeakers)
    }
}

extension Runner {
    /// ``Experiment/checkCorpus()`` once per distinct `data:` section of `experiments` (the
    /// points of a sweep mostly share one).
    public static func checkCorpora(_ experiments: [Experiment]) throws {
        var checked = Set<String>()
        for experiment in experiments where experiment.readsCorpus {
            if checked.insert(experiment.config["data"]?.canonicalJSON ?? "").inserted { try experiment.checkCorpus() }
        }
    }
}
