import Text

/// The tokens of a batch that the aligner aligns: all but word boundaries, which take no time.
///
/// espeak-ng's timings give a word boundary 0 samples (``PhonemeTiming``), and a boundary
/// between two words of a recording is no sound of its own either. MAS gives every token it
/// aligns at least one frame, so aligning word boundaries too would take a frame from a
/// neighbour at every word: on the built-in corpus the learned boundaries then sat a median of
/// exactly one frame from espeak-ng's. So the aligner sees the spoken tokens only, and a word
/// boundary gets 0 frames, as in the corpus's own durations.
struct SpokenTokens {
    /// Spoken token ids `[B, width]` row-major, 0 at padding.
    let tokens: [Int]
    /// Spoken tokens of each utterance, and the longest of them (at least 1).
    let lengths: [Int], width: Int
    /// For each utterance, the index in its full token list of each of its spoken tokens.
    let positions: [[Int]]
    /// Each utterance's full token count.
    let tokenLengths: [Int]

    init(_ batch: Batch) {
        tokenLengths = batch.tokenLengths
        positions = batch.tokenLengths.enumerated().map { b, length in
            (0..<length).filter { batch.tokens[b * batch.tokenCount + $0] != SymbolVocabulary.wordBoundaryID }
        }
        lengths = positions.map(\.count)
        width = max(1, lengths.max() ?? 1)
        var tokens = [Int](repeating: 0, count: batch.size * width)
        for (b, spoken) in positions.enumerated() {
            for (i, position) in spoken.enumerated() { tokens[b * width + i] = batch.tokens[b * batch.tokenCount + position] }
        }
        self.tokens = tokens
    }

    /// Durations of every token of each utterance: the spoken tokens' in place, 0 at word boundaries.
    func spread(_ durations: [[Int]]) -> [[Int]] {
        zip(positions, durations).enumerated().map { b, pair in
            var all = [Int](repeating: 0, count: tokenLengths[b])
            for (position, duration) in zip(pair.0, pair.1) { all[position] = duration }
            return all
        }
    }

    /// `[B, T, width]` values (an attention over the spoken tokens) as `[B, T, fullWidth]`
    /// over every token, zero at word boundaries and padding.
    func spreadColumns(_ values: [Float], frames: Int, fullWidth: Int) -> [Float] {
        var all = [Float](repeating: 0, count: positions.count * frames * fullWidth)
        for (b, spoken) in positions.enumerated() {
            for t in 0..<frames {
                let (from, to) = ((b * frames + t) * width, (b * frames + t) * fullWidth)
                for (i, position) in spoken.enumerated() { all[to + position] = values[from + i] }
            }
        }
        return all
    }
}
