import ArgumentParser
import Data
import Experiments
import Foundation
import Models

/// `funaudio corpus ...`: build the built-in corpus, check a corpus folder, cache features.
struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Build the built-in corpus, check a corpus folder (LJSpeech layout), cache features, write learned durations.",
        subcommands: [CorpusBuild.self, CorpusCheck.self, CorpusAlign.self]
    )
}

/// `funaudio corpus build`: the built-in espeak-ng corpus, cached by recipe.
struct CorpusBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Synthesise the built-in corpus with libespeak-ng (cached by recipe).",
        discussion: """
            Sentences are WordNet 3.0 usage examples shipped with FunAudio; each speaker is an \
            espeak-ng voice variant. The folder is named after the recipe's hash and is reused \
            while the recipe (sizes, seed, sentence list, espeak-ng version) is unchanged.
            """)

    @Option(help: "Number of utterances.")
    var utterances = 200

    @Option(help: "Number of speakers (1-80).")
    var speakers = 4

    @Option(help: "Seed of the sentence choice.")
    var seed: UInt64 = 1

    @Option(help: "Cache folder for built corpora and features (as `funaudio run --cache`).")
    var cache = "corpora"

    @Flag(help: "Also compute the log-mel features cache.")
    var features = false

    func run() throws {
        let recipe = try BuiltInCorpus.Recipe(utterances: utterances, speakers: speakers, seed: seed)
        let start = Date()
        var built = false
        let folder = try BuiltInCorpus.build(recipe, cache: URL(fileURLWithPath: cache)) { done, total in
            built = true
            if done % 50 == 0 || done == total {
                FileHandle.standardError.write(Data("synthesised \(done)/\(total)\n".utf8))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("\(built ? "built" : "cached"): \(folder.path) (\(String(format: "%.1f", seconds)) s)")
        if features {
            let corpus = try Corpus.load(folder)
            let mels = try MelFeatures.load(for: corpus, cache: URL(fileURLWithPath: cache))
            print("features: \(mels.folder.path)")
        }
    }
}

/// `funaudio corpus check DIR`: load a corpus folder and report bad items.
struct CorpusCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a corpus folder (metadata.csv, wavs/, optional durations.jsonl).",
        discussion: """
            Says how many utterances and speakers the folder has, which phoneme durations \
            training will use, and the first bad item (or, with --skip-bad, how many of each \
            kind). The layout is described in docs/corpora.md.
            """)

    @Argument(help: "The corpus folder.")
    var folder: String

    @Option(help: "Sample rate the corpus is read at (other rates are resampled).")
    var sampleRate = 22050

    @Flag(help: "Skip bad items and count them instead of stopping at the first.")
    var skipBad = false

    @Flag(help: "Also compute (or find cached) log-mel features at the default data.* settings, where `funaudio run` reads them.")
    var features = false

    @Option(help: "Cache folder of the features (as `funaudio run --cache`).")
    var cache = "corpora"

    func run() throws {
        let corpus = try Corpus.load(URL(fileURLWithPath: folder), sampleRate: sampleRate, skipBad: skipBad)
        for note in corpus.notes { print("note: \(note)") }
        print(corpus.summary)
        print("durations: \(corpus.durations)")
        if features {
            let mels = try MelFeatures.load(for: corpus, cache: URL(fileURLWithPath: cache))
            print("features: \(mels.folder.path)")
        }
    }
}

/// `funaudio corpus align DIR --run RUN`: a trained aligner's durations as the folder's durations.jsonl.
struct CorpusAlign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Write durations.jsonl for a corpus folder with the aligner of a trained model.",
        discussion: """
            The model is a run's last checkpoint (--run, a run id or experiment name) or a \
            checkpoint file (--checkpoint) trained with data.durations: learned. Every utterance \
            with at least as many mel frames as phonemes is aligned; the file is written whole \
            or not at all, and later runs with data.durations: auto read it (docs/corpora.md).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The corpus folder.")
    var folder: String

    @Option(name: .customLong("run"), help: "The run whose last checkpoint aligns (a run id or an experiment name).")
    var fromRun: String?

    @Option(help: "A checkpoint file instead of a run.")
    var checkpoint: String?

    @Option(help: "Cache folder of the features (as `funaudio run --cache`).")
    var cache = "corpora"

    @Flag(help: "Replace an existing durations.jsonl.")
    var replace = false

    @Flag(help: "Skip bad items and count them instead of stopping at the first.")
    var skipBad = false

    func validate() throws {
        guard (fromRun == nil) != (checkpoint == nil) else {
            throw ValidationError("give either --run RUN or --checkpoint FILE")
        }
    }

    func run() throws {
        let model: Checkpoint
        if let file = checkpoint {
            model = try Checkpoint(contentsOf: URL(fileURLWithPath: file))
        } else {
            model = try CorpusAlignment.checkpoint(ofRun: fromRun!, in: try database.openForReading())
        }
        let outcome = try CorpusAlignment.align(folder: URL(fileURLWithPath: folder), checkpoint: model,
                                                cache: URL(fileURLWithPath: cache), replace: replace, skipBad: skipBad)
        print("wrote \(outcome.file.path): durations of \(outcome.aligned) utterances")
        if let first = outcome.tooShort.first {
            print("left out \(outcome.tooShort.count) utterances with fewer mel frames than phonemes (first: \(first))")
        }
    }
}
