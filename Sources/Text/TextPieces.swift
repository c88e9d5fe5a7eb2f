import Foundation

/// Long text cut into pieces a model speaks one at a time, so that synthesis memory (which
/// grows with the square of an utterance's length in attention) stays bounded however long
/// the text is.
///
/// Sentences end at `.`, `!` or `?` followed by white space, and at line breaks. A sentence
/// longer than `maxWords` is cut after clause punctuation (`,` `;` `:`), clauses merged back
/// while they fit; a clause still longer is cut every `maxWords` words.
public enum TextPieces {
    public static func split(_ text: String, maxWords: Int = 30) -> [String] {
        sentences(text).flatMap { fit($0, maxWords: max(1, maxWords)) }
    }

    static func sentences(_ text: String) -> [String] {
        var sentences: [String] = [], current = ""
        var previous: Character = " "
        for character in text {
            if character.isNewline || (character.isWhitespace && ".!?".contains(previous)) {
                sentences.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        sentences.append(current)
        return sentences.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `sentence` as pieces of at most `maxWords` words, cut at clauses where possible.
    static func fit(_ sentence: String, maxWords: Int) -> [String] {
        func words(_ s: Substring) -> [Substring] { s.split(whereSeparator: \.isWhitespace) }
        guard words(Substring(sentence)).count > maxWords else { return [sentence] }
        var pieces: [[Substring]] = [[]]
        for clause in Substring(sentence).splitKeepingSeparator(",;:") {
            let clauseWords = words(clause)
            if pieces[pieces.count - 1].count + clauseWords.count <= maxWords {
                pieces[pieces.count - 1] += clauseWords
                continue
            }
            for start in stride(from: 0, to: clauseWords.count, by: maxWords) {
                pieces.append(Array(clauseWords[start..<min(start + maxWords, clauseWords.count)]))
            }
        }
        return pieces.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }
    }
}

extension Substring {
    /// Pieces that each end with one of `separators` (the last may not).
    func splitKeepingSeparator(_ separators: String) -> [Substring] {
        var pieces: [Substring] = [], start = startIndex
        for index in indices where separators.contains(self[index]) {
            pieces.append(self[start...index])
            start = self.index(after: index)
        }
        if start < endIndex { pieces.append(self[start...]) }
        return pieces
    }
}
