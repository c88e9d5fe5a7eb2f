import Foundation
import GRDB
import Tracking

/// The `funaudio` binary built beside this test bundle, run as a user would.
struct FunAudioProcess {
    /// `.build/<configuration>/funaudio`: the test bundle's own folder.
    static let executable: URL = {
        let bundle = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                         ?? CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent("funaudio")
    }()

    /// A copy of the binary and its resource bundles in a folder every user may read: the
    /// checkout (a fresh clone in a 0700 temporary folder, say) may be closed to `nobody`.
    static let executableForAnyUser: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-cli-bin-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o755])
        let build = executable.deletingLastPathComponent()
        let resources = ((try? FileManager.default.contentsOfDirectory(atPath: build.path)) ?? [])
            .filter { $0.hasSuffix(".resources") && !$0.contains("Tests") }
        // Copied by cp, not by this process: a file this process holds open for writing stays
        // open in any child another test starts meanwhile, and exec of it then fails with
        // "Text file busy" (seen in CI).
        let sources = (["funaudio"] + resources).map { build.appendingPathComponent($0).path }
        _ = try? Process.run(URL(fileURLWithPath: "/bin/cp"), arguments: ["-R"] + sources + [folder.path]).waitUntilExit()
        _ = try? Process.run(URL(fileURLWithPath: "/bin/chmod"), arguments: ["-R", "a+rX", folder.path]).waitUntilExit()
        return folder.appendingPathComponent("funaudio")
    }()

    let process = Process()
    private let outputFile: URL

    /// Starts `funaudio arguments…` in `folder`, output (both streams) to a file there.
    /// `fileSizeLimit` (in KiB, as `ulimit -f`) makes writes past it fail as on a full disk.
    /// `asNobody` runs it as the user `nobody` (the tests run as root, who may write anything);
    /// `environment` replaces the inherited one. `launcher` starts it through another
    /// program (`mpirun -n 2`), which is given the binary's path and the arguments.
    init(_ arguments: [String], in folder: URL, fileSizeLimit: Int? = nil, asNobody: Bool = false,
         environment: [String: String]? = nil, launcher: [String] = []) throws {
        outputFile = folder.appendingPathComponent("output-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        if let program = launcher.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(launcher.dropFirst()) + [Self.executable.path] + arguments
        } else if let fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // /bin/sh (dash) counts `ulimit -f` in 512-byte blocks, bash in KiB.
            process.arguments = ["-c", "ulimit -f \(2 * fileSizeLimit) && exec \"$0\" \"$@\"", Self.executable.path] + arguments
        } else if asNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Self.executableForAnyUser.path]
                + arguments
        } else {
            process.executableURL = Self.executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = folder
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the end (at most `timeout` seconds, then kills it) and returns the exit
    /// status and everything it printed.
    func finish(timeout: TimeInterval = 300) -> (status: Int32, output: String) {
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        return (process.terminationStatus, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }

    /// Runs `funaudio arguments…` to its end.
    static func run(_ arguments: [String], in folder: URL, fileSizeLimit: Int? = nil,
                    asNobody: Bool = false) throws -> (status: Int32, output: String) {
        try FunAudioProcess(arguments, in: folder, fileSizeLimit: fileSizeLimit, asNobody: asNobody).finish()
    }
}

/// A fresh folder for one test, removed at its end, holding the experiment files given.
final class TestFolder {
    let url: URL

    init(_ files: [String: String]) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(name)) }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A toy experiment that trains in seconds in a debug build; `synthesize: false` leaves out
/// the synthesize cell.
func tinyExperiment(name: String = "tiny", steps: Int, checkpointEvery: Int = 2, sweep: String = "",
                    synthesize: Bool = true) -> String {
    """
    name: \(name)
    data:
      builtin: {utterances: 24, speakers: 3}
    model:
      dim: 16
      text_encoder: {layers: 1, heads: 2, ffn: 32}
      fusion: {kind: cross_attention, heads: 2}
      decoder: {layers: 1}
      vocoder: {iterations: 4}
    train: {steps: \(steps), batch_size: 4, validate_every: 2, checkpoint_every: \(checkpointEvery), threads: 1}
    cells:
      - {kind: prepare}
      - {kind: train}
    \(synthesize ? "  - {kind: synthesize, sentences: [\"Hello there.\"]}" : "")
    \(sweep)
    """
}

extension RunStore {
    /// Every point of every metric of `run` but timings (throughput, real-time factor), keyed
    /// `train.loss@12`; a point recorded twice at one step shows as two values.
    func deterministicMetrics(run: Int64) throws -> [String: [Double?]] {
        try pool.read { db in
            var points: [String: [Double?]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT key, step, value FROM metrics
                WHERE run_id = ? AND key NOT LIKE '%utterances_per_s' AND key NOT LIKE '%real_time_factor'
                  AND key NOT LIKE '%allreduce_s'
                """, arguments: [run]) {
                points["\(row["key"] as String)@\(row["step"] as Int)", default: []].append(row["value"])
            }
            return points
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    func integrity() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }
}
