import Experiments
import Foundation

/// `funaudio run FILE --jobs N`: the points of a sweep as up to N `funaudio run` processes at
/// once, all writing one runs.db (its busy timeout serialises their short transactions).
///
/// Each child is this executable run again on the same file and overrides with
/// `--sweep-point I --sweep-id ID`, so it expands the sweep exactly as the parent did and
/// runs point I only. Children get their own process group: a Ctrl-C reaches the parent
/// alone, which passes it on once, so each child stops after its step with a checkpoint
/// (two signals would make a child quit at once, without one).
///
/// A child writes to its own log file (`sweeps/<id>/<point>.log` beside runs.db), which the
/// parent relays, each line prefixed with its point. Nothing of a child depends on the
/// parent: when the parent is killed, the running children finish, and
/// `funaudio resume --sweep ID` runs the points that never started (see `SweepPlan`).
struct SweepJobs {
    /// The arguments every child gets after `run`: the file, `--set`s and output options.
    var arguments: [String]
    /// One label per sweep point (`model.fusion.kind=film`).
    var labels: [String]
    var jobs: Int
    var sweepID: String
    /// Where the children's logs go.
    var logFolder: URL

    /// Runs every point and returns true when all of them finished.
    func run() throws -> Bool {
        StopSignal.shared.install()
        let total = labels.count
        var pending = Array(labels.indices)
        var running: [pid_t: (point: Int, child: ChildProcess)] = [:]
        var statuses = [String](repeating: "not started", count: total)
        var succeeded = [Bool](repeating: false, count: total)
        var forwarded = false
        report("sweep \(sweepID): \(total) runs, \(min(jobs, total)) at a time; logs in \(logFolder.path)")
        while !pending.isEmpty || !running.isEmpty {
            if let signal = StopSignal.shared.received, !forwarded {
                forwarded = true
                pending.removeAll()
                for pid in running.keys { kill(pid, signal) }
            }
            while running.count < jobs, !pending.isEmpty {
                let point = pending.removeFirst()
                let prefix = "[\(point + 1)/\(total)] "
                let child = try ChildProcess.spawn(
                    arguments: ["run"] + arguments + ["--sweep-point", String(point), "--sweep-id", sweepID],
                    log: logFolder.appendingPathComponent("\(point + 1).log"), prefix: prefix)
                running[child.pid] = (point, child)
                statuses[point] = "running"
                report(prefix + "started \(labels[point]) (pid \(child.pid))")
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0, let (point, child) = running.removeValue(forKey: pid) else {
                usleep(50_000)
                continue
            }
            child.relayToEnd()
            let exit = ChildProcess.describe(status)
            statuses[point] = exit.text
            succeeded[point] = exit.success
        }
        report("sweep \(sweepID):")
        for (point, label) in labels.enumerated() {
            report("  [\(point + 1)/\(total)] \(label): \(statuses[point])")
        }
        return succeeded.allSatisfy { $0 }
    }

    /// A line of the parent's own on standard output, at once (not when the buffer fills).
    private func report(_ line: String) {
        print(line)
        fflush(nil)  // all C streams: stdout itself is not concurrency-safe to name
    }
}

/// A child `funaudio` whose standard output and error go to a log file, relayed line by line
/// to the parent's standard output, each line prefixed with its sweep point, so the lines of
/// parallel runs stay apart.
///
/// Spawned with `posix_spawn` because Foundation's `Process` cannot put a child in its own
/// process group.
struct ChildProcess {
    let pid: pid_t
    private let relay: LogRelay

    static func spawn(arguments: [String], log: URL, prefix: String) throws -> ChildProcess {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(log.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SpawnError(posix: "creating \(log.path)") }
        defer { close(descriptor) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, descriptor, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, descriptor, STDERR_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        let executable = "/proc/self/exe"
        let argv = (["funaudio"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw SpawnError(posix: "starting \(executable)", code: result) }
        return ChildProcess(pid: pid, relay: try LogRelay(log, prefix: prefix))
    }

    /// Relays what is left of the log once the child has ended, and stops relaying.
    func relayToEnd() { relay.finish() }

    /// `finished`, `failed (exit 1)` or `killed by signal 9`, from a `waitpid` status.
    static func describe(_ status: Int32) -> (text: String, success: Bool) {
        let signal = status & 0x7f
        if signal != 0 { return ("killed by signal \(signal)", false) }
        let code = (status >> 8) & 0xff
        return code == 0 ? ("finished", true) : ("did not finish (exit \(code))", false)
    }
}

/// Follows a growing log file (as `tail -f`) on a background queue and copies its whole
/// lines to standard output with a prefix.
final class LogRelay: @unchecked Sendable {
    private let source: FileHandle
    private let prefix: Data
    private let done = DispatchGroup()
    private let lock = NSLock()
    private var ended = false

    init(_ log: URL, prefix: String) throws {
        source = try FileHandle(forReadingFrom: log)
        self.prefix = Data(prefix.utf8)
        DispatchQueue.global().async(group: done) { self.follow() }
    }

    /// Copies the rest of the file and returns when it has been written.
    func finish() {
        lock.withLock { ended = true }
        done.wait()
    }

    private func follow() {
        var pending = Data()
        while true {
            let last = lock.withLock { ended }  // read before the file, so the final read sees all
            let chunk = source.availableData
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                FileHandle.standardOutput.write(prefix + pending[pending.startIndex...newline])
                pending.removeSubrange(pending.startIndex...newline)
            }
            if chunk.isEmpty {
                if last { break }
                usleep(100_000)
            }
        }
        if !pending.isEmpty { FileHandle.standardOutput.write(prefix + pending + Data("\n".utf8)) }
        try? source.close()
    }
}

/// A system call that failed while starting a sweep's processes.
struct SpawnError: Error, CustomStringConvertible {
    let description: String

    init(posix operation: String, code: Int32 = errno) {
        description = "\(operation): \(String(cString: strerror(code)))"
    }
}
