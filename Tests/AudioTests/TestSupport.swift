import Foundation
import Testing
@testable import Audio

/// Reads a little-endian float32, C-order `.npy` fixture: its shape and values.
func readNumPy(_ url: URL) throws -> (shape: [Int], values: [Float]) {
    let data = try Data(contentsOf: url)
    let headerLength = Int(data[8]) | Int(data[9]) << 8
    let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
    guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
          let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
    else { throw AudioError("\(url.lastPathComponent): not a float32 C-order .npy (\(header))") }
    let shape = header[open.upperBound..<close].split(separator: ",")
        .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    let values = data[(10 + headerLength)...].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    guard values.count == shape.reduce(1, *) else { throw AudioError("\(url.lastPathComponent): truncated") }
    return (shape, values)
}

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
