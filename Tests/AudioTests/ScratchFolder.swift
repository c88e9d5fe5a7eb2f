import Foundation

/// A fresh folder under the temporary directory, for tests that write files; the suite that
/// holds it removes it in its `deinit`.
func scratchFolder(_ name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-\(name)-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
