import Foundation
@testable import NN

/// A committed fixture of Tests/NNTests/Fixtures (written by scripts/fixtures/make_nn_fixtures.py).
func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures")!
}
