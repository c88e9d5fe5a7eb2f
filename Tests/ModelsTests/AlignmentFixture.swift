import Foundation
import NN
import Testing
import Tensor

/// Tests/ModelsTests/Fixtures/alignment.safetensors, written by
/// scripts/fixtures/make_alignment_fixtures.py (scipy's betabinom, torch's ctc_loss and a
/// ConvAttention-equivalent network; see the script for the keys).
struct AlignmentFixture: Sendable {
    static let shared = Result { try AlignmentFixture() }

    let arrays: [String: NamedArray]
    private let configJSON: String

    /// The metadata's "config": lengths and sizes of each case.
    var config: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(configJSON.utf8))) as? [String: Any] ?? [:]
    }

    private init() throws {
        let url = try #require(Bundle.module.url(forResource: "alignment", withExtension: "safetensors",
                                                 subdirectory: "Fixtures"))
        let (arrays, metadata) = try Safetensors.read(url)
        self.arrays = arrays
        configJSON = try #require(metadata["config"], "alignment.safetensors has no config")
    }

    func array(_ key: String) throws -> NamedArray {
        try #require(arrays[key], "alignment.safetensors has no \(key)")
    }

    func tensor(_ key: String) throws -> Tensor {
        let a = try array(key)
        return Tensor(a.values, shape: a.shape)
    }

    func section(_ name: String) throws -> [String: Any] {
        try #require(config[name] as? [String: Any], "alignment.safetensors: no config \(name)")
    }
}
