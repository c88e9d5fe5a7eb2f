import Foundation
import Testing
@testable import Data

/// A one-item corpus and its freshly cached features (the cache inside the corpus folder).
private func cachedOneItemCorpus() throws -> (TemporaryCorpus, Corpus, MelFeatures) {
    let corpus = try TemporaryCorpus()
    try corpus.metadata("one|Hello there.|Hello there.\n")
    try corpus.speech("one", "Hello there.")
    let loaded = try Corpus.load(corpus.root)
    return (corpus, loaded, try MelFeatures.load(for: loaded, cache: corpus.root))
}

/// A damaged feature cache is rebuilt, never read outside `mels.f32`.
@Test func aNegativeOffsetInTheCacheIndexRebuildsTheCache() throws {
    let (corpus, loaded, features) = try cachedOneItemCorpus()
    defer { corpus.remove() }
    let expected = try features.mel(of: "one")

    let index = features.folder.appendingPathComponent("index.json")
    let text = try String(contentsOf: index, encoding: .utf8)
    let damaged = text.replacingOccurrences(of: "\"offset\":0", with: "\"offset\":-100000000")
    #expect(damaged != text)
    try Data(damaged.utf8).write(to: index)
    #expect(try MelFeatures.load(for: loaded, cache: corpus.root).mel(of: "one") == expected)
}

/// A truncated `f0.f32` is caught when the cache is opened and the cache rebuilt, never read
/// past its end.
@Test func aTruncatedF0FileRebuildsTheCache() throws {
    let (corpus, loaded, features) = try cachedOneItemCorpus()
    defer { corpus.remove() }
    let expected = try features.f0(of: "one")
    #expect(expected.count == features.frames(of: "one"))

    let f0 = features.folder.appendingPathComponent("f0.f32")
    try Data(try Data(contentsOf: f0).prefix(8)).write(to: f0)
    #expect(try MelFeatures.load(for: loaded, cache: corpus.root).f0(of: "one") == expected)
}
