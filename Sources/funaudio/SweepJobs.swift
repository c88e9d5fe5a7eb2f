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
struct SweepJobs {
    /// The arguments every child gets after `run`: the file, `--set`s and output options.
    var arguments: [String]
    /// One label per sweep point (`model.fusion.kind=film`).
    var labels: [String]
    var jobs: Int
    var sweepID: String

    /// Runs every point and returns true when all of them finished.
    func run() throws -> Bool {
        StopSignal.shared.install()
        let total = labels.count
        var pending = Array(labels.indices)
        var running: [pid_t: Int] = [:]
        var statuses = [String](repeating: "not started", count: total)
        var succeeded = [Bool](repeating: false, count: total)
        var relaying: [ChildProcess] = []
        var forwarded = false
        report("sweep \(sweepID): \(total) runs, \(min(jobs, total)) at a time")
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
                    prefix: prefix)
                relaying.append(child)
                running[child.pid] = point
                statuses[point] = "running"
                report(prefix + "started \(labels[point]) (pid \(child.pid))")
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0, let point = running.removeValue(forKey: pid) else {
                usleep(50_000)
                continue
            }
            let exit = ChildProcess.describe(status)
            statuses[point] = exit.text
            succeeded[point] = exit.success
        }
        relaying.forEach { $0.waitForOutput() }
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

/// A child `funaudio` whose standard output and error are relayed line by line, each line
/// prefixed with its sweep point, so the lines of parallel runs stay apart.
///
/// Spawned with `posix_spawn` because Foundation's `Process` cannot put a child in its own
/// process group.
struct ChildProcess {
    let pid: pid_t
    private let relays: DispatchGroup

    static func spawn(arguments: [String], prefix: String) throws -> ChildProcess {
        let outputs = [(STDOUT_FILENO, FileHandle.standardOutput), (STDERR_FILENO, FileHandle.standardError)]
        var pipes: [[Int32]] = []
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, _) in outputs {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw SpawnError(posix: "pipe") }
            posix_spawn_file_actions_adddup2(&actions, ends[1], target)
            posix_spawn_file_actions_addclose(&actions, ends[0])
            pipes.append(ends)
        }
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
        for ends in pipes { close(ends[1]) }
        guard result == 0 else {
            for ends in pipes { close(ends[0]) }
            throw SpawnError(posix: "starting \(executable)", code: result)
        }
        let relays = DispatchGroup()
        for (ends, (_, destination)) in zip(pipes, outputs) {
            DispatchQueue.global().async(group: relays) {
                relay(from: ends[0], to: destination, prefix: prefix)
            }
        }
        return ChildProcess(pid: pid, relays: relays)
    }

    /// Blocks until the child's output has been relayed to its end.
    func waitForOutput() { relays.wait() }

    /// Copies whole lines from `descriptor` to `destination`, each with `prefix`, until end
    /// of file. A partial line at the end is flushed too.
    private static func relay(from descriptor: Int32, to destination: FileHandle, prefix: String) {
        let source = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var pending = Data()
        while true {
            let chunk = source.availableData
            pending.append(chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                destination.write(Data(prefix.utf8) + pending[pending.startIndex...newline])
                pending.removeSubrange(pending.startIndex...newline)
            }
            if chunk.isEmpty { break }
        }
        if !pending.isEmpty { destination.write(Data(prefix.utf8) + pending + Data("\n".utf8)) }
    }

    /// `finished`, `failed (exit 1)` or `killed by signal 9`, from a `waitpid` status.
    static func describe(_ status: Int32) -> (text: String, success: Bool) {
        let signal = status & 0x7f
        if signal != 0 { return ("killed by signal \(signal)", false) }
        let code = (status >> 8) & 0xff
        return code == 0 ? ("finished", true) : ("did not finish (exit \(code))", false)
    }
}

/// A system call that failed while starting a sweep's processes.
struct SpawnError: Error, CustomStringConvertible {
    let description: String

    init(posix operation: String, code: Int32 = errno) {
        description = "\(operation): \(String(cString: strerror(code)))"
    }
}
