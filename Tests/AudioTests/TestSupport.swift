import Foundation
import Testing
@testable import Audio

/// Reads a little-endian float32, C-order `.npy` fixture: its shape and values.
func readNumPy(_ url: URL) throws -> (shape: [Int], values: [Float]) { try NumPyFile.read(url) }

/// A committed fixture file (see scripts/fixtures/make_audio_fixtures.py).
func fixture(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
}

/// max |a - b| / max |b|: the relative error of `a` against the reference `b`, scaled by the
/// reference's peak so that near-zero bins (where float32 and float64 FFTs legitimately
/// differ in relative terms) do not dominate.
func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0, peak = 0.0
    for i in a.indices {
        worst = max(worst, Double(abs(a[i] - b[i])))
        peak = max(peak, Double(abs(b[i])))
    }
    return worst / peak
}

/// The Frobenius-norm relative error ‖a - b‖ / ‖b‖.
func normRelativeError(_ a: [Float], _ b: [Float]) -> Double {
    var diff = 0.0, norm = 0.0
    for i in a.indices {
        diff += Double(a[i] - b[i]) * Double(a[i] - b[i])
        norm += Double(b[i]) * Double(b[i])
    }
    return (diff / norm).squareRoot()
}
