import Foundation
import Testing
import NN
import Tensor
@testable import Models

/// The pretrained all-MiniLM-L6-v2 folder (``PretrainedBERT/defaultFolder``). Fails the
/// calling test, telling how to fetch it, when the folder is absent: the parity tests never
/// pass silently.
func pretrainedBERTFolder() throws -> URL {
    let folder = PretrainedBERT.defaultFolder
    let weights = folder.appendingPathComponent("model.safetensors")
    try #require(FileManager.default.fileExists(atPath: weights.path),
                 "no pretrained BERT at \(folder.path): run scripts/fetch-bert (or set FUNAUDIO_BERT to a BERT folder)")
    return folder
}

/// The pretrained folder (encoder and tokenizer), loaded once for all tests: loading takes
/// seconds in a debug build.
nonisolated(unsafe) private var loaded: PretrainedBERT?
private let loadLock = NSLock()

func pretrainedBERT() throws -> PretrainedBERT {
    let folder = try pretrainedBERTFolder()
    loadLock.lock()
    defer { loadLock.unlock() }
    if let loaded { return loaded }
    let bert = try PretrainedBERT(folder: folder)
    loaded = bert
    return bert
}

/// The Hugging Face transformers outputs written by scripts/fixtures/make_bert_fixtures.py.
struct BERTReference {
    struct Sentence: Decodable {
        let text: String
        let tokens: [String]
        let ids: [Int]
        let words: [String]
    }
    private struct File: Decodable { let sentences: [Sentence] }

    static let shared = Result { try BERTReference() }

    let sentences: [Sentence]
    let arrays: [String: NamedArray]

    private init() throws {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        sentences = try JSONDecoder().decode(File.self, from: Data(contentsOf: fixtures.appendingPathComponent("bert_parity.json"))).sentences
        arrays = try Safetensors.read(fixtures.appendingPathComponent("bert_parity.safetensors")).arrays
    }

    func array(_ key: String) throws -> NamedArray {
        try #require(arrays[key], "bert_parity.safetensors has no \(key)")
    }
}

/// max |a − b| over all values; NaN if any difference is NaN (`Swift.max` would skip it).
func maxAbsoluteError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "maxAbsoluteError: \(a.count) vs \(b.count) values")
    return zip(a, b).reduce(0) { worst, pair in
        let d = abs(pair.0 - pair.1)
        return d > worst || d.isNaN ? d : worst
    }
}

/// A small random BERT configuration for tests that need no pretrained weights.
let tinyBERTConfig = BERTConfig(vocabSize: 30, hiddenSize: 8, layerCount: 2, headCount: 2,
                                intermediateSize: 16, maxPositions: 12)
