import Audio
import Foundation
import Seeded
import Text

/// FunAudio's own corpus, made with libespeak-ng so that nobody needs a download.
///
/// Sentences come from `Resources/sentences.txt` (WordNet 3.0 usage examples, see its header
/// and `scripts/make-sentences`). A ``Recipe`` picks `utterances` of them with a seeded
/// shuffle and gives utterance `i` to speaker `i mod speakers`; each speaker is an espeak-ng
/// voice variant with its own pitch and rate (``speakerTable``). Every utterance is the
/// normalised sentence spoken at 22050 Hz, saved as 16-bit WAV, with its phonemes and their
/// durations in samples from espeak-ng's phoneme events (``EspeakSynthesis``).
///
/// The result is an ordinary corpus folder (metadata.csv with a speaker column, wavs/,
/// durations.jsonl) plus `recipe.json`, named `espeak-<hash of the recipe>` under the cache
/// folder. ``build(_:cache:progress:)`` returns the existing folder when the recipe is
/// unchanged and builds (into a temporary folder, then renamed) when it is not.
///
/// Determinism: espeak-ng carries synthesis state (its pitch "flutter" phase) from one
/// utterance to the next and cannot be re-initialised, so the samples are bit-identical
/// when the corpus is built by a fresh process (`funaudio corpus build`), and may differ by
/// a few samples per phoneme when the same process synthesised speech before. The
/// sentences, speakers, phoneme sequences and file names never differ.
public enum BuiltInCorpus {
    /// One speaker: an espeak-ng voice file name with pitch (0–100) and rate (words/min).
    public struct Speaker: Codable, Hashable, Sendable {
        public var voice: String
        public var pitch: Int
        public var rate: Int
        /// The speaker column of metadata.csv.
        public var name: String { "\(voice)-p\(pitch)-r\(rate)" }
    }

    /// The 80 speakers, in the order a recipe takes them (`data.builtin.speakers` takes the
    /// first N). The first twelve are female and male voice variants of American and British
    /// English, each with its own pitch setting and speaking rate; the median F0 of each
    /// (librosa.pyin; the first eight on three corpus sentences each, the rest on one;
    /// measured 2026-11-26) is in the comment; the first eight are at least 15 Hz apart.
    /// The other 68 are further variants (``moreVariants``).
    public static let speakerTable: [Speaker] = firstSpeakers + moreVariants.enumerated().map { i, variant in
        Speaker(voice: "\(["en-us", "en", "en-gb-x-rp"][i % 3])+\(variant)",
                pitch: 25 + (i * 29) % 55, rate: 160 + (i * 11) % 30)
    }

    /// espeak-ng voice variants (`espeak-ng --voices=variant`, file names as
    /// `espeak_SetVoiceByName` takes them after `+`) besides f1–f5 and m1–m7, without the
    /// whispering, robotic and joke ones. Each is spoken on American, British and RP
    /// English in turn with its own pitch (25–79) and rate (160–189), so that neighbours in
    /// the table differ in accent, pitch and rate as well as in timbre.
    static let moreVariants = """
        adam Alex Alicia Andrea Andy Annie antonio aunty belinda benjamin boris caleb david Denis \
        Diogo ed edward edward2 Gene Gene2 gustave Henrique Hugo iven iven2 iven3 iven4 Jacky \
        john kaukovalta Lee linda marcelo Marco Mario max Michael michel miguel Mike Mr Nguyen \
        pablo paul pedro quincy rob robert steph steph2 steph3 Storm zac anika AnxiousAndy \
        grandpa klatt klatt2 klatt3 norbert sandro shelby travis victor croak grandma m5 f5
        """.split(separator: " ").map(String.init)

    private static let firstSpeakers: [Speaker] = [
        Speaker(voice: "en-us+f3", pitch: 50, rate: 170),       // 209 Hz
        Speaker(voice: "en+m2", pitch: 45, rate: 175),          //  94 Hz
        Speaker(voice: "en-us+m3", pitch: 75, rate: 165),       // 136 Hz
        Speaker(voice: "en-gb-x-rp+f5", pitch: 65, rate: 180),  // 233 Hz
        Speaker(voice: "en+m1", pitch: 20, rate: 185),          //  72 Hz
        Speaker(voice: "en-us+f2", pitch: 25, rate: 160),       // 160 Hz
        Speaker(voice: "en+m6", pitch: 60, rate: 170),          // 110 Hz
        Speaker(voice: "en-us+f4", pitch: 55, rate: 175),       // 187 Hz
        Speaker(voice: "en+f1", pitch: 70, rate: 165),          // 223 Hz
        Speaker(voice: "en-us+m4", pitch: 50, rate: 180),       //  88 Hz
        Speaker(voice: "en+f2", pitch: 60, rate: 160),          // 204 Hz
        Speaker(voice: "en-us+m7", pitch: 30, rate: 175),       //  88 Hz
    ]

    /// Everything that decides the corpus; its hash names the folder.
    public struct Recipe: Codable, Hashable, Sendable {
        public var utterances: Int
        public var speakers: [Speaker]
        public var seed: UInt64
        /// FNV-1a of the sentence list, so that a new list makes a new corpus.
        public var sentencesHash: String
        public var espeakVersion: String
        /// Bumped when the builder's output format changes.
        public var format = 1

        public init(utterances: Int = 200, speakers: Int = 4, seed: UInt64 = 1) throws {
            guard (1...BuiltInCorpus.speakerTable.count).contains(speakers) else {
                throw CorpusError(message: "speakers must be 1...\(BuiltInCorpus.speakerTable.count) "
                    + "(the built-in speaker table), not \(speakers)")
            }
            let sentences = try BuiltInCorpus.sentences()
            guard (1...sentences.count).contains(utterances) else {
                throw CorpusError(message: "utterances must be 1...\(sentences.count) "
                    + "(the sentences in sentences.txt), not \(utterances)")
            }
            self.utterances = utterances
            self.speakers = Array(BuiltInCorpus.speakerTable.prefix(speakers))
            self.seed = seed
            self.sentencesHash = StableHash.hex(sentences.joined(separator: "\n").utf8)
            self.espeakVersion = Espeak.shared.version()
        }

        public func hash() throws -> String { try StableHash.hex(of: self) }
    }

    /// The default cache folder: `./corpora` (ignored by git).
    public static let defaultCache = URL(fileURLWithPath: "corpora")

    /// The sentences of `Resources/sentences.txt` (comment lines removed).
    public static func sentences() throws -> [String] {
        // `Bundle.main` and `Bundle.module` stop the process when the install folder is
        // unreadable (as in Reports' `Templates`): check first.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        guard FileManager.default.isReadableFile(atPath: URL(fileURLWithPath: executable).deletingLastPathComponent().path),
              let url = Bundle.module.url(forResource: "sentences", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw CorpusError(message: "the built-in sentence list (Data/Resources/sentences.txt) is missing "
                + "from the build or unreadable in \(URL(fileURLWithPath: executable).deletingLastPathComponent().path); rebuild FunAudio or run it as a user who may read that folder")
        }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map(String.init)
    }

    /// The folder of `recipe` under `cache`, built if it is not there yet. `progress` is
    /// called after each utterance with (done, total).
    @discardableResult
    public static func build(_ recipe: Recipe, cache: URL = defaultCache,
                             progress: (Int, Int) -> Void = { _, _ in }) throws -> URL {
        let folder = cache.appendingPathComponent("espeak-\(try recipe.hash())")
        try CacheFolder.ensure(folder, isComplete: {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("recipe.json").path)
        }, build: { try write(recipe, into: $0, progress: progress) })
        return folder
    }

    /// Synthesises the corpus of `recipe` into the empty folder `staging`.
    private static func write(_ recipe: Recipe, into staging: URL, progress: (Int, Int) -> Void) throws {
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("wavs"), withIntermediateDirectories: true)
        let sentences = try sentences()
        var order = Array(sentences.indices)
        var generator = SplitMix64(seed: recipe.seed)
        generator.shuffle(&order)
        let normalizer = TextNormalizer()
        var entries: [MetadataEntry] = []
        var alignments: [(id: String, phonemes: [TimedPhoneme])] = []
        for i in 0..<recipe.utterances {
            let sentence = sentences[order[i]]
            let speaker = recipe.speakers[i % recipe.speakers.count]
            let id = String(format: "espeak-%05d", i + 1)
            let normalized = normalizer.normalize(sentence)
            let speech = try Espeak.shared.synthesize(normalized, voice: speaker.voice,
                                                      rate: speaker.rate, pitch: speaker.pitch)
            try AudioFile.write(Waveform(samples: speech.samples, sampleRate: speech.sampleRate),
                                to: staging.appendingPathComponent("wavs/\(id).wav"), format: .wav16)
            entries.append(MetadataEntry(id: id, text: sentence, normalizedText: normalized,
                                         speaker: speaker.name, line: i + 1))
            alignments.append((id, speech.phonemes))
            progress(i + 1, recipe.utterances)
        }
        try Data(MetadataFile.format(entries).utf8).write(to: staging.appendingPathComponent(Corpus.metadataName))
        try DurationsFile.format(alignments).write(to: staging.appendingPathComponent(DurationsFile.name))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(recipe).write(to: staging.appendingPathComponent("recipe.json"))
    }
}
