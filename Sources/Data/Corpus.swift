import Audio
import Foundation
import Text

/// One utterance of a corpus.
public struct CorpusItem: Sendable, Equatable {
    public var id: String
    public var text: String
    public var normalizedText: String
    /// The fourth column of metadata.csv, or the corpus folder's name when it has none.
    public var speaker: String
    public var audioURL: URL
    /// Line of the item in metadata.csv.
    public var line: Int
    /// Phoneme symbols: from the durations file when it has the item, else from
    /// ``Phonemizer/symbols(_:)`` of the normalised text.
    public var phonemes: [String]
    /// Phoneme spans in samples of the audio file, when the durations file has the item.
    public var alignment: [TimedPhoneme]?
    /// Length and sample rate of the audio file.
    public var audioFrames: Int
    public var audioSampleRate: Int
}

/// A corpus folder in the LJSpeech layout:
///
///     metadata.csv        id|text|normalized text[|speaker]   (see MetadataFile)
///     wavs/<id>.wav       one file per line of metadata.csv (any format libsndfile reads)
///     durations.jsonl     optional per-phoneme durations (see DurationsFile)
///
/// ``load(_:sampleRate:voice:skipBad:requireDurations:)`` checks every item: the metadata
/// line, its durations (they sum to the wav's length; with `requireDurations`, they exist),
/// the wav (it exists, libsndfile reads its header, it has samples) and the transcript (it
/// has something espeak-ng pronounces). The first bad item is an error naming the file and
/// line; with `skipBad` bad items are left out and counted in ``summary``. Wavs at another
/// sample rate are resampled when read (``waveform(of:)``), and ``notes`` says so once.
/// Lines without a speaker column are one speaker named after the folder (LJSpeech is
/// `LJSpeech-1.1`). The format, for users, is in docs/corpora.md.
public struct Corpus: Sendable {
    public let root: URL
    /// The sample rate every item is read at.
    public let sampleRate: Int
    public var items: [CorpusItem]
    /// The bad items left out (only with `skipBad`).
    public var skipped: [CorpusProblem]
    /// Things to know that are not errors (resampling).
    public var notes: [String]
    /// The corpus's durations.jsonl, nil when it has none.
    public var durationsFile: URL?

    public static let metadataName = "metadata.csv"

    /// `requireDurations`: every item needs a line in durations.jsonl (what training with
    /// `data.durations: file` needs); a corpus without the file is refused before any wav is read.
    public static func load(_ root: URL, sampleRate: Int = 22050, voice: String = "en-us",
                            skipBad: Bool = false, requireDurations: Bool = false) throws -> Corpus {
        let metadataURL = root.appendingPathComponent(metadataName)
        guard let metadata = try? Data(contentsOf: metadataURL) else {
            throw CorpusError(message: "\(metadataURL.path): cannot read it; a corpus folder holds "
                + "metadata.csv (id|text|normalized text per line) and wavs/<id>.wav")
        }
        var problems: [CorpusProblem] = []
        func fail(_ problem: CorpusProblem) throws {
            if !skipBad { throw CorpusError(problem) }
            problems.append(problem)
        }
        let (entries, lineProblems) = MetadataFile.parse(metadata, path: metadataURL.path)
        for problem in lineProblems { try fail(problem) }

        var alignments: [String: [TimedPhoneme]] = [:]
        let durationsURL = root.appendingPathComponent(DurationsFile.name)
        let hasDurations = FileManager.default.fileExists(atPath: durationsURL.path)
        if hasDurations {
            guard let durations = try? Data(contentsOf: durationsURL) else {
                throw CorpusError(message: "\(durationsURL.path): cannot read it; make it readable or remove it")
            }
            let parsed = DurationsFile.parse(durations, path: durationsURL.path)
            for problem in parsed.problems { try fail(problem) }
            alignments = parsed.alignments
        } else if requireDurations {
            throw CorpusError(message: "\(durationsURL.path): no such file: this corpus has no phoneme durations, "
                + "and `data.durations: file` reads them from it; set `data.durations: auto` (or `learned`) to "
                + "learn them with the model, or write durations.jsonl beside metadata.csv (docs/corpora.md)")
        }
        let defaultSpeaker = root.standardizedFileURL.lastPathComponent

        let phonemizer = Phonemizer(voice: voice)
        var items: [CorpusItem] = []
        var otherRates: [Int: Int] = [:]
        for entry in entries {
            let audioURL = root.appendingPathComponent("wavs/\(entry.id).wav")
            let place = "\(metadataURL.path):\(entry.line)"
            let alignment = alignments[entry.id]
            if requireDurations && alignment == nil {
                try fail(CorpusProblem(.missingDurations, file: durationsURL.path, line: nil,
                    "no line for '\(entry.id)' (\(place)); training needs its phoneme durations: add them or remove the item"))
                continue
            }
            guard FileManager.default.fileExists(atPath: audioURL.path) else {
                try fail(CorpusProblem(.missingAudio, file: audioURL.path, line: nil,
                    "no such file for '\(entry.id)' (\(place)); add the wav or remove the line"))
                continue
            }
            let info: AudioFileInfo
            do {
                info = try AudioFile.info(audioURL)
            } catch {
                try fail(CorpusProblem(.unreadableAudio, file: audioURL.path, line: nil,
                    "libsndfile cannot read it (\(error)) for '\(entry.id)' (\(place)); re-export it as WAV"))
                continue
            }
            guard info.frames > 0 else {
                try fail(CorpusProblem(.emptyAudio, file: audioURL.path, line: nil,
                    "it has no samples, for '\(entry.id)' (\(place)); re-record it or remove the line"))
                continue
            }
            if let alignment {
                let total = alignment.reduce(0) { $0 + $1.duration }
                guard total == info.frames else {
                    try fail(CorpusProblem(.badDurations, file: durationsURL.path, line: nil,
                        "the durations of '\(entry.id)' sum to \(total) samples but \(audioURL.lastPathComponent) "
                        + "has \(info.frames); rebuild durations.jsonl"))
                    continue
                }
            }
            var phonemes: [String]
            if let alignment {
                phonemes = alignment.map(\.symbol)
            } else {
                do {
                    phonemes = try phonemizer.symbols(entry.normalizedText)
                } catch let error as TextError {
                    try fail(CorpusProblem(.unpronounceable, file: metadataURL.path, line: entry.line,
                        "\(error)"))
                    continue
                }
            }
            if info.sampleRate != sampleRate { otherRates[info.sampleRate, default: 0] += 1 }
            items.append(CorpusItem(
                id: entry.id, text: entry.text, normalizedText: entry.normalizedText,
                speaker: entry.speaker ?? defaultSpeaker, audioURL: audioURL, line: entry.line, phonemes: phonemes,
                alignment: alignment, audioFrames: info.frames, audioSampleRate: info.sampleRate))
        }
        var notes: [String] = []
        if !otherRates.isEmpty {
            let rates = otherRates.keys.sorted().map { "\(otherRates[$0]!) at \($0) Hz" }.joined(separator: ", ")
            notes.append("\(root.path): \(rates) of \(items.count) wavs will be resampled to \(sampleRate) Hz when read")
        }
        if items.isEmpty {
            throw CorpusError(message: "\(metadataURL.path): no usable item"
                + (problems.first.map { " (first problem: \($0))" } ?? ""))
        }
        return Corpus(root: root, sampleRate: sampleRate, items: items, skipped: problems, notes: notes,
                      durationsFile: hasDurations ? durationsURL : nil)
    }

    /// The speakers in item order of first appearance.
    public var speakers: [String] {
        var seen = Set<String>()
        return items.map(\.speaker).filter { seen.insert($0).inserted }
    }

    /// One line: how many items and speakers were loaded and, if any were skipped, how many
    /// of each kind and the first one.
    public var summary: String {
        let loaded = "\(root.path): \(items.count) items, "
            + (speakers.count == 1 ? "1 speaker (\(speakers[0]))" : "\(speakers.count) speakers")
        guard let first = skipped.first else { return loaded }
        let counts = CorpusProblem.Kind.allCases.compactMap { kind -> String? in
            let n = skipped.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }
        return "\(loaded); skipped \(skipped.count) bad (\(counts.joined(separator: ", "))); first: \(first)"
    }

    /// Which phoneme durations training reads, for `funaudio corpus check`.
    public var durations: String {
        guard let durationsFile else {
            return "none: this corpus has no phoneme durations; training learns them with its aligner "
                + "(`data.durations: auto` or `learned`) — see docs/corpora.md"
        }
        let covered = items.filter { $0.alignment != nil }.count
        return "\(durationsFile.lastPathComponent), covering \(covered) of \(items.count) utterances"
    }

    /// Throws unless holding out the last `heldOut` speakers (`data.held_out_speakers`)
    /// leaves one to train on; the message says which value to set.
    public func checkHeldOutSpeakers(_ heldOut: Int) throws {
        try Self.checkHeldOutSpeakers(heldOut, speakers: speakers, corpus: root.path)
    }

    /// The same check for a corpus known by its speakers only (the built-in corpus before it
    /// is built); `corpus` names it in the message.
    public static func checkHeldOutSpeakers(_ heldOut: Int, speakers: [String], corpus: String) throws {
        guard heldOut >= speakers.count else { return }
        let names = speakers.prefix(4).joined(separator: ", ") + (speakers.count > 4 ? ", …" : "")
        let fix = max(speakers.count - 1, 0)
        throw CorpusError(message: "data.held_out_speakers is \(heldOut) but \(corpus) has \(speakers.count) "
            + "speaker\(speakers.count == 1 ? "" : "s") (\(names)), and at least one must remain for training: "
            + "set `data.held_out_speakers: \(fix)` in the experiment file (or `--set data.held_out_speakers=\(fix)`)")
    }

    /// The samples of `item` at ``sampleRate`` (resampled when the file has another rate).
    public func waveform(of item: CorpusItem) throws -> Waveform {
        let waveform = try AudioFile.read(item.audioURL)
        return waveform.sampleRate == sampleRate ? waveform : try waveform.resampled(to: sampleRate)
    }
}
