import Foundation
import Testing
import Tracking

/// A disk that fills up during a run: the run stops with a clear error and a non-zero exit,
/// and runs.db stays sound and usable. A file-size limit (`ulimit -f`) stands in for the full
/// disk: writes past it fail with EFBIG, as they fail with ENOSPC on a full disk.
@Suite struct DiskFullTests {
    @Test func aRunThatFillsTheDiskStopsCleanly() throws {
        // dim 64: a checkpoint (~1.9 MB) is larger than the 400 KiB limit; the metrics and a
        // new runs.db's schema (its WAL holds each migration's pages) are not.
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 8)])
        // Corpus and features cached first (their files are larger than the limit).
        let warm = try FunAudioProcess.run(["run", "tiny.yaml", "--set", "train.steps=2", "--db", "warm.db"], in: folder.url)
        #expect(warm.status == 0, "\(warm.output)")
        let full = try FunAudioProcess.run(["run", "tiny.yaml", "--set", "model.dim=64", "--db", "runs.db"],
                                           in: folder.url, fileSizeLimit: 400)
        #expect(full.status != 0)
        #expect(full.output.contains("disk full"), "\(full.output)")
        #expect(!full.output.contains("Fatal error"), "\(full.output)")

        // The next command (no limit now) finds a sound database and an ended run.
        let listing = try FunAudioProcess.run(["list", "--db", "runs.db"], in: folder.url)
        #expect(listing.status == 0, "\(listing.output)")
        let store = try RunStore(path: folder.path("runs.db"), create: false)
        #expect(try store.integrity() == "ok")
        let run = try #require(try store.runs().first)
        #expect(run.status == .failed || run.status == .crashed)
        #expect(try store.runs(RunFilter(status: .running)).isEmpty)
    }
}
