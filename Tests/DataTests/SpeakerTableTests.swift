import Foundation
import Testing
import Text
@testable import Data

/// `data.builtin.speakers` takes up to 80: every one of them is a voice espeak-ng accepts,
/// and no two sound the same.
@Suite(.serialized) struct SpeakerTableTests {
    @Test func eightyDistinctSpeakersEachSpeakDifferently() throws {
        let table = BuiltInCorpus.speakerTable
        #expect(table.count == 80)
        #expect(Set(table.map(\.name)).count == 80)
        var spoken: [[Float]: String] = [:]
        for speaker in table {
            let speech = try Espeak.shared.synthesize("Good morning.", voice: speaker.voice,
                                                      rate: speaker.rate, pitch: speaker.pitch)
            #expect(!speech.samples.isEmpty, "\(speaker.name)")
            #expect(spoken[speech.samples] == nil, "\(speaker.name) sounds as \(spoken[speech.samples] ?? "")")
            spoken[speech.samples] = speaker.name
        }
    }

    @Test func aCorpusOfTwentySpeakersBuilds() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-cache-\(UUID())")
        defer { try? FileManager.default.removeItem(at: cache) }
        let folder = try BuiltInCorpus.build(BuiltInCorpus.Recipe(utterances: 20, speakers: 20, seed: 3), cache: cache)
        let corpus = try Corpus.load(folder)
        #expect(corpus.speakers.count == 20)
        #expect(Set(corpus.speakers) == Set(BuiltInCorpus.speakerTable.prefix(20).map(\.name)))
    }
}
