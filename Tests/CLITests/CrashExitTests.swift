import Foundation
import Testing
import Tracking

/// A crashing `funaudio` must end promptly: a batch job that hangs in Swift's backtracer
/// holds its allocation forever.
@Suite struct CrashExitTests {
    @Test(arguments: [SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGSEGV])
    func aCrashEndsTheProcessWithinFiveSeconds(signal: Int32) throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 5000)])
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = nil  // as a user's job has it
        let run = try FunAudioProcess(["run", "tiny.yaml"], in: folder.url, environment: environment)
        let deadline = Date().addingTimeInterval(120)
        while (try? RunStore(path: folder.path("runs.db"), create: false).runs().count) != 1,
              Date() < deadline, run.process.isRunning {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(run.process.isRunning, "the run ended before the crash")
        Thread.sleep(forTimeInterval: 0.5)  // into preparing or training
        let crashed = Date()
        kill(run.pid, signal)
        let result = run.finish(timeout: 60)
        let seconds = Date().timeIntervalSince(crashed)
        #expect(seconds < 5, "exited \(seconds) s after signal \(signal)")
        #expect(run.process.terminationReason == .uncaughtSignal)
        #expect(run.process.terminationStatus == signal)
        #expect(result.output.contains("SWIFT_BACKTRACE=enable=yes"), "\(result.output)")
    }
}
