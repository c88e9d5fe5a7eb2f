import Foundation
import Testing
import Text
@testable import Data

@Test func sentenceListIsShippedWithItsLicence() throws {
    let sentences = try BuiltInCorpus.sentences()
    #expect(sentences.count >= 1000)
    #expect(sentences.allSatisfy { (6...22).contains($0.split(separator: " ").count) })
    #expect(Set(sentences).count == sentences.count)
}

@Test func recipeHashChangesWithTheRecipe() throws {
    let a = try BuiltInCorpus.Recipe(utterances: 10, speakers: 2, seed: 1)
    #expect(try a.hash() == (try BuiltInCorpus.Recipe(utterances: 10, speakers: 2, seed: 1).hash()))
    #expect(try a.hash() != (try BuiltInCorpus.Recipe(utterances: 10, speakers: 2, seed: 2).hash()))
    #expect(try a.hash() != (try BuiltInCorpus.Recipe(utterances: 11, speakers: 2, seed: 1).hash()))
    #expect(throws: CorpusError.self) { try BuiltInCorpus.Recipe(speakers: 99) }
}

@Test func buildsACachedCorpusWithDurationsFeaturesAndBatches() throws {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-cache-\(UUID())")
    defer { try? FileManager.default.removeItem(at: cache) }
    let recipe = try BuiltInCorpus.Recipe(utterances: 6, speakers: 3, seed: 5)
    var calls = 0
    let folder = try BuiltInCorpus.build(recipe, cache: cache) { _, _ in calls += 1 }
    #expect(calls == 6)
    #expect(folder.lastPathComponent == "espeak-\(try recipe.hash())")
    // A second build finds it.
    #expect(try BuiltInCorpus.build(recipe, cache: cache) { _, _ in calls += 1 }.path == folder.path)
    #expect(calls == 6)

    let corpus = try Corpus.load(folder)   // checks that durations sum to each wav's length
    #expect(corpus.items.count == 6)
    #expect(corpus.speakers.count == 3)
    #expect(corpus.items.allSatisfy { $0.alignment != nil && $0.audioSampleRate == 22050 })
    #expect(corpus.items[0].speaker == BuiltInCorpus.speakerTable[0].name)

    let features = try MelFeatures.load(for: corpus, cache: cache)
    let again = try MelFeatures.load(for: corpus, cache: cache)
    #expect(again.folder.path == features.folder.path)
    var settings = MelSettings()
    settings.nMels = 40
    #expect(try MelFeatures.load(for: corpus, settings: settings, cache: cache).folder.path != features.folder.path)
    let item = corpus.items[0]
    let frames = try #require(features.frames(of: item.id))
    #expect(frames == item.audioFrames / 256 + 1)
    #expect(try features.mel(of: item.id).count == frames * 80)
    // One F0 per frame, voiced for much of a sentence at the voice's pitch (en-us+f3, about 209 Hz).
    let f0 = try features.f0(of: item.id)
    #expect(f0.count == frames)
    let voiced = f0.filter { $0 > 0 }.sorted()
    #expect(voiced.count > frames / 4, "\(voiced.count) of \(frames) frames voiced")
    #expect((150...300).contains(voiced[voiced.count / 2]), "median F0 \(voiced[voiced.count / 2]) Hz")

    let batcher = CorpusBatcher(corpus: corpus, features: features)
    let batch = try batcher.batch([0, 1, 2])
    #expect(batch.mels.width == 80)
    #expect(batch.mels.lengths == [0, 1, 2].map { batcher.frameCounts[$0] })
    #expect(batch.phonemes.lengths == [0, 1, 2].map { corpus.items[$0].phonemes.count })
    let durations = try #require(batch.durations)
    for row in 0..<3 {
        let values = durations.values[(row * durations.maxLength)..<(row * durations.maxLength + durations.lengths[row])]
        #expect(values.reduce(0, +) == batch.mels.lengths[row])
    }
    #expect(!batch.phonemes.values.contains(SymbolVocabulary.unknownID))
}
