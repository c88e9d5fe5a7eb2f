import Testing
import Text
@testable import Models

@Suite struct SpokenTokensTests {
    static func utterance(_ tokens: [Int]) -> Utterance {
        let (mel, _) = SyntheticSpeech.mel(tokens, speaker: 0, bands: 4)
        return Utterance(id: "u", speaker: "s", tokens: tokens, durations: nil, mel: mel, reference: mel)
    }

    /// Word boundaries (id 2) leave the aligner's tokens, and come back with 0 frames and an
    /// empty attention column, in their places.
    @Test func wordBoundariesAreLeftOutAndSpreadBackAsZeros() {
        let b = SymbolVocabulary.wordBoundaryID
        let batch = Batch([Self.utterance([5, b, 6, b, 7]), Self.utterance([3, 4])], nMels: 4, wordFeatureDim: nil)
        let spoken = SpokenTokens(batch)
        #expect(spoken.lengths == [3, 2] && spoken.width == 3)
        #expect(spoken.tokens == [5, 6, 7, 3, 4, 0])
        #expect(spoken.spread([[2, 3, 4], [1, 1]]) == [[2, 0, 3, 0, 4], [1, 1]])
        // One frame each: [B = 2, T = 1, width 3] → [2, 1, 5].
        let columns = spoken.spreadColumns([0.5, 0.3, 0.2, 0.9, 0.1, 0], frames: 1, fullWidth: 5)
        #expect(columns == [0.5, 0, 0.3, 0, 0.2, 0.9, 0.1, 0, 0, 0])
    }
}
