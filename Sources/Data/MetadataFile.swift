import Foundation
import Text

/// One line of an LJSpeech-style `metadata.csv`.
public struct MetadataEntry: Sendable, Equatable {
    public var id: String
    public var text: String
    /// The normalised text; the third column, or ``TextNormalizer``'s output when it is
    /// missing or empty.
    public var normalizedText: String
    /// The fourth column, when present.
    public var speaker: String?
    /// 1-based line number in the file.
    public var line: Int
}

/// `metadata.csv` in the LJSpeech layout: UTF-8, one utterance per line, fields separated by
/// `|`, no header, no quoting:
///
///     id|text                              (normalised text made by TextNormalizer)
///     id|text|normalized text              (LJSpeech)
///     id|text|normalized text|speaker      (multi-speaker)
///
/// The audio of `id` is `wavs/id.wav`. Blank lines are ignored. An id is non-empty, unique
/// and has no `/`; a transcript (text or normalised text) is not empty. Each line is
/// decoded on its own, so one line that is not UTF-8 is reported with its number.
public enum MetadataFile {
    /// The entries of `data` and the problems of its bad lines, in line order.
    public static func parse(_ data: Data, path: String,
                             normalizer: TextNormalizer = TextNormalizer())
        -> (entries: [MetadataEntry], problems: [CorpusProblem])
    {
        var entries: [MetadataEntry] = []
        var problems: [CorpusProblem] = []
        var seen: [String: Int] = [:]
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, bytes) in lines.enumerated() {
            let number = index + 1
            func problem(_ kind: CorpusProblem.Kind, _ message: String) {
                problems.append(CorpusProblem(kind, file: path, line: number, message))
            }
            var raw = Data(bytes)
            if raw.last == UInt8(ascii: "\r") { raw.removeLast() }
            guard let line = String(data: raw, encoding: .utf8) else {
                problem(.notUTF8, "the line is not valid UTF-8; re-save metadata.csv as UTF-8")
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard (2...4).contains(fields.count) else {
                problem(.malformedLine, "expected 'id|text|normalized text' (2 to 4 fields separated "
                    + "by '|', the 4th a speaker), found \(fields.count) field\(fields.count == 1 ? "" : "s")")
                continue
            }
            let id = fields[0]
            guard !id.isEmpty, !id.contains("/") else {
                problem(.malformedLine, "the id (first field) is empty or has a '/'; give each line "
                    + "the file name of its wav without .wav")
                continue
            }
            if let first = seen[id] {
                problem(.duplicateID, "id '\(id)' was already used on line \(first); give each utterance its own id")
                continue
            }
            seen[id] = number
            let text = fields[1]
            let given = fields.count > 2 ? fields[2] : ""
            if text.isEmpty && given.isEmpty {
                problem(.emptyTranscript, "'\(id)' has no text; write its transcript or remove the line")
                continue
            }
            let speaker = fields.count > 3 && !fields[3].isEmpty ? fields[3] : nil
            entries.append(MetadataEntry(
                id: id, text: text.isEmpty ? given : text,
                normalizedText: given.isEmpty ? normalizer.normalize(text) : given,
                speaker: speaker, line: number))
        }
        return (entries, problems)
    }

    /// `entries` as metadata.csv text (4 fields when any has a speaker).
    public static func format(_ entries: [MetadataEntry]) -> String {
        let speakers = entries.contains { $0.speaker != nil }
        return entries.map { entry in
            var fields = [entry.id, entry.text, entry.normalizedText]
            if speakers { fields.append(entry.speaker ?? "") }
            return fields.joined(separator: "|") + "\n"
        }.joined()
    }
}
