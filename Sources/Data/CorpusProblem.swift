/// One bad item of a corpus: where it is, what is wrong and what to do.
public struct CorpusProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        case malformedLine = "malformed metadata line"
        case notUTF8 = "transcript not UTF-8"
        case emptyTranscript = "empty transcript"
        case duplicateID = "duplicate id"
        case missingAudio = "missing audio"
        case unreadableAudio = "unreadable audio"
        case emptyAudio = "empty audio"
        case unpronounceable = "nothing to pronounce"
        case badDurations = "bad durations"
        case missingDurations = "missing durations"
    }

    public var kind: Kind
    /// The file at fault (metadata.csv, a wav, durations.jsonl), as given to the loader.
    public var file: String
    /// 1-based line in `file` (or in metadata.csv for an item's audio), when there is one.
    public var line: Int?
    /// What is wrong, then what to do.
    public var message: String

    public init(_ kind: Kind, file: String, line: Int?, _ message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(kind.rawValue): \(message)"
    }
}

/// A corpus that cannot be used as it is. Its message names the first bad item and the two
/// ways to skip bad items: `funaudio corpus check --skip-bad` and the experiment key
/// `data.skip_bad`.
public struct CorpusError: Error, Sendable, CustomStringConvertible {
    public var problem: CorpusProblem?
    public var message: String

    public init(_ problem: CorpusProblem) {
        self.problem = problem
        message = "\(problem)\n(to skip bad items and count them in a summary: `funaudio corpus check --skip-bad`, "
            + "or `data.skip_bad: true` in the experiment file, or `--set data.skip_bad=true`)"
    }

    public init(message: String) {
        problem = nil
        self.message = message
    }

    public var description: String { message }
}
