import Foundation

/// Writing a file so that its path only ever holds a whole file: the bytes go to a hidden
/// file beside it, which is renamed over the path once complete (a rename within a folder is
/// atomic). A full disk, an error or a crash part-way leaves the path as it was, and the
/// staging file is removed on error. One implementation for every writer of output files
/// (audio, `.npy`, PNG, report pages); not Foundation's `.atomic`, which also syncs each file
/// to disk, several times slower for a folder of small files.
public enum StagedFile {
    /// Calls `write` with the staging URL (beside `url`, same folder), then renames the result
    /// to `url`. Rethrows what `write` throws; a failed rename is an `AudioError` naming `url`.
    public static func write(to url: URL, _ write: (URL) throws -> Void) throws {
        let staging = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).partial")
        do {
            try write(staging)
            guard rename(staging.path, url.path) == 0 else {
                throw AudioError("\(url.path): cannot move the finished file into place (\(String(cString: strerror(errno))))")
            }
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }
}
