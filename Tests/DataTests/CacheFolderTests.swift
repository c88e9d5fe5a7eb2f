import Foundation
import Testing
@testable import Data

/// Several runs of a sweep prepare the same corpus at once: one builds, the others wait.
@Suite struct CacheFolderTests {
    @Test func concurrentCallersBuildOnceAndAllSeeAWholeFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("espeak-abc")
        let builds = Counter()
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                try CacheFolder.ensure(folder, isComplete: complete) { staging in
                    builds.increment()
                    Thread.sleep(forTimeInterval: 0.05)  // long enough for the others to arrive
                    try Data("x".utf8).write(to: staging.appendingPathComponent("done"))
                }
                // Whoever returns finds the folder whole.
                #expect(complete(folder))
            } catch {
                Issue.record(error)
            }
        }
        #expect(builds.value == 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func aFailedBuildLeavesNoFolderAndTheNextCallBuildsAgain() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("mel-abc")
        struct Broken: Error {}
        #expect(throws: Broken.self) {
            try CacheFolder.ensure(folder, isComplete: complete) { _ in throw Broken() }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        try CacheFolder.ensure(folder, isComplete: complete) {
            try Data("x".utf8).write(to: $0.appendingPathComponent("done"))
        }
        #expect(complete(folder))
    }

    /// A killed build leaves its staging folder behind; the next caller removes those whose
    /// process is gone and leaves a live process's alone.
    @Test func stagingFoldersOfDeadProcessesAreRemovedOnTheNextCall() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let dead = root.appendingPathComponent("espeak-old.partial-\(try deadProcessID())")
        let alive = root.appendingPathComponent("espeak-other.partial-\(getpid())")
        for folder in [dead, alive] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let folder = root.appendingPathComponent("espeak-new")
        try CacheFolder.ensure(folder, isComplete: complete) {
            try Data("x".utf8).write(to: $0.appendingPathComponent("done"))
        }
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: alive.path))
    }
}

/// The id of a process that has ended (and been reaped).
private func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

/// The test builds' mark of a complete folder.
@Sendable private func complete(_ folder: URL) -> Bool {
    FileManager.default.fileExists(atPath: folder.appendingPathComponent("done").path)
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
