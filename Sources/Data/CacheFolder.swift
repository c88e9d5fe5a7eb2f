import Foundation

/// Builds a cache folder once, even when several processes want it at the same moment (the
/// runs of a sweep with `--jobs N` all prepare the same corpus and features).
///
/// The first process to take `<folder>.lock` (an advisory `flock`) builds into a staging
/// folder and renames it into place, so a reader sees either no folder or a whole one; the
/// others wait on the lock and then find the folder complete. Foundation has no file lock,
/// hence the few lines of POSIX here. A build killed outright leaves its staging folder
/// (`<folder>.partial-<pid>`); the next call removes those whose process is gone.
enum CacheFolder {
    /// Returns after `folder` is complete: at once when `isComplete(folder)`, else after
    /// `build` has filled a fresh staging folder that then replaces `folder`.
    static func ensure(_ folder: URL, isComplete: (URL) -> Bool, build: (URL) throws -> Void) throws {
        removeAbandonedStagingFolders(besides: folder)
        if isComplete(folder) { return }
        let fm = FileManager.default
        try fm.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lockPath = folder.path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CorpusError(message: "\(lockPath): cannot create the cache lock (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }  // closing releases the lock
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CorpusError(message: "\(lockPath): cannot lock the cache (\(String(cString: strerror(errno))))")
            }
        }
        if isComplete(folder) { return }  // built by another process while this one waited

        let staging = folder.deletingLastPathComponent()
            .appendingPathComponent("\(folder.lastPathComponent)\(stagingMark)\(getpid())")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try build(staging)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        if fm.fileExists(atPath: folder.path) { try fm.removeItem(at: folder) }  // incomplete or stale
        try fm.moveItem(at: staging, to: folder)
    }

    private static let stagingMark = ".partial-"

    /// Removes the staging folders beside `folder` whose building process no longer runs on
    /// this host (`kill(pid, 0)` says ESRCH). Best effort: a folder that cannot be removed
    /// now is tried again next time.
    private static func removeAbandonedStagingFolders(besides folder: URL) {
        let parent = folder.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names {
            guard let range = name.range(of: stagingMark, options: .backwards),
                  let pid = pid_t(name[range.upperBound...]), pid > 0,
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}
