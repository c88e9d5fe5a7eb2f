import Foundation
import Testing
import Tracking

/// `funaudio run FILE --slurm` on a real single-host Slurm (scripts/slurm-cluster), then the
/// dependent merge job; and what happens without Slurm.
@Suite struct SlurmSweepTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let sweep = tinyExperiment(steps: 4, sweep: """
        sweep:
          grid:
            model.fusion.kind: [cross_attention, film]
        """)

    /// The cluster's SLURM_CONF once it is up (started here if needed; idempotent), or nil
    /// when Slurm's packages are not installed: the only reason these tests skip.
    static let cluster: String? = {
        let tools = ["sbatch", "slurmctld", "slurmd", "munged"]
        guard tools.allSatisfy({ tool in ["/usr/bin/", "/usr/sbin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) } })
        else {
            print("SlurmSweepTests: skipped: Slurm is not installed (scripts/install-deps installs munge, slurmctld, slurmd, slurm-client)")
            return nil
        }
        let (status, text) = runStartScript()
        guard status == 0, let line = text.split(separator: "\n").last(where: { $0.hasPrefix("export SLURM_CONF=") })
        else { return nil }
        return String(line.dropFirst("export SLURM_CONF=".count))
    }()

    /// `scripts/slurm-cluster start` by posix_spawn and a blocking waitpid, its output through
    /// a file. Not Foundation's `Process`: the script's daemons fork away while other tests
    /// launch processes, and `Process.waitUntilExit` then sometimes never sees the script end
    /// (it stayed a zombie, the suite hung). The script starts with no signal blocked: the
    /// daemons would inherit the test thread's mask, and a munged blocking SIGTERM outlives
    /// `scripts/slurm-cluster stop`.
    private static func runStartScript() -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-cluster-\(getpid()).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let arguments = ["/bin/bash", repository.appendingPathComponent("scripts/slurm-cluster").path, "start"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, &attributes, &argv, environ) == 0 else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : -1, output)
    }

    static var slurmEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = cluster
        return environment
    }

    /// `funaudio <arguments>` (a `run --slurm`) on the cluster: the words it printed and the id
    /// of the merge job it submitted.
    static func submit(_ arguments: [String], in folder: TestFolder) throws -> (words: [String], merge: String) {
        let submitted = try FunAudioProcess(arguments, in: folder.url, environment: slurmEnvironment).finish()
        #expect(submitted.status == 0, "\(submitted.output)")
        let words = submitted.output.split(whereSeparator: \.isWhitespace).map(String.init)
        return (words, try #require(words.firstIndex(of: "merge").map { words[$0 + 2] }))
    }

    /// Waits until Slurm no longer lists job `id` as queued or running.
    static func wait(forJob id: String, timeout: TimeInterval = 600) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var state = ""
        while Date() < deadline {
            let squeue = Process()
            squeue.executableURL = URL(fileURLWithPath: "/usr/bin/squeue")
            squeue.arguments = ["-h", "--states=all", "-j", id, "-o", "%T"]
            squeue.environment = slurmEnvironment
            let out = Pipe()
            squeue.standardOutput = out
            try squeue.run()
            state = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            squeue.waitUntilExit()
            if !["PENDING", "RUNNING", "COMPLETING", "CONFIGURING", ""].contains(state) { return state }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return "still \(state) after \(Int(timeout)) s"
    }

    @Test func withoutSbatchNothingIsSubmitted() throws {
        let folder = try TestFolder(["sweep.yaml": Self.sweep])
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/nonexistent"
        let result = try FunAudioProcess(["run", "sweep.yaml", "--slurm"], in: folder.url, environment: environment).finish()
        #expect(result.status != 0)
        #expect(result.output.contains("sbatch not found"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("sweeps")))
        #expect(!FileManager.default.fileExists(atPath: folder.path("shards")))
    }

    /// A 2-point sweep as a job array of 2 on the local cluster: the merge job leaves one
    /// runs.db whose runs hold exactly the points and artifacts of the same sweep run here.
    @Test(.enabled(if: cluster != nil, "Slurm cannot be installed or started here (see scripts/slurm-cluster)"))
    func aSweepRunsAsAJobArrayAndMergesIntoRunsDB() throws {
        let folder = try TestFolder(["sweep.yaml": Self.sweep])
        let (_, merge) = try Self.submit(["run", "sweep.yaml", "--slurm", "--array-parallelism", "2"], in: folder)
        #expect(try Self.wait(forJob: merge) == "COMPLETED")

        let local = try FunAudioProcess.run(["run", "sweep.yaml", "--db", "local.db"], in: folder.url)
        #expect(local.status == 0, "\(local.output)")
        let merged = try RunStore(path: folder.path("runs.db"), create: false)
        let here = try RunStore(path: folder.path("local.db"), create: false)
        #expect(try merged.integrity() == "ok")
        let runs = try merged.runs()
        #expect(runs.count == 2)
        #expect(runs.allSatisfy { $0.status == .finished })
        #expect(Set(runs.map(\.sweepID)).count == 1 && runs[0].sweepID != nil)
        let localRuns = Dictionary(uniqueKeysWithValues: try here.runs().map { ("\($0.params["model.fusion.kind"]!)", $0.id) })
        for run in runs {
            let kind = "\(run.params["model.fusion.kind"]!)"
            let twin = try #require(localRuns[kind])
            #expect(try merged.deterministicMetrics(run: run.id) == here.deterministicMetrics(run: twin), "\(kind)")
            let artifacts = try merged.artifacts(run: run.id), twinArtifacts = try here.artifacts(run: twin)
            #expect(artifacts.map(\.name) == twinArtifacts.map(\.name))
            #expect(artifacts.map(\.sha256) == twinArtifacts.map(\.sha256), "\(kind): artifact bytes differ")
        }
        let list = try FunAudioProcess(["list"], in: folder.url, environment: Self.slurmEnvironment).finish()
        #expect(list.output.contains("Slurm sweep \(runs[0].sweepID!)"), "\(list.output)")
        #expect(list.output.contains("finished 2"), "\(list.output)")
        // Merging again (as a second merge job would) adds nothing.
        let again = try FunAudioProcess.run(["merge", "--from", "shards"], in: folder.url)
        #expect(again.output.contains("0 runs added, 0 updated, 2 unchanged"), "\(again.output)")
    }

    /// One job array has one task size: a sweep over `train.ranks` is refused before anything
    /// is planned or written.
    @Test(.enabled(if: cluster != nil, "Slurm cannot be installed or started here (see scripts/slurm-cluster)"))
    func aSweepOverRanksIsRefused() throws {
        let folder = try TestFolder(["ranks.yaml": tinyExperiment(name: "ranks", steps: 4, sweep: """
            sweep:
              grid:
                train.ranks: [1, 2]
            """, synthesize: false)])
        let result = try FunAudioProcess(["run", "ranks.yaml", "--slurm"], in: folder.url, environment: Self.slurmEnvironment).finish()
        #expect(result.status != 0)
        #expect(result.output.contains("train.ranks differs between the sweep's points (1, 2)"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("sweeps")))
        #expect(!FileManager.default.fileExists(atPath: folder.path("shards")))
    }

    /// `train.ranks: 2` with `--slurm`: each array task is two ranks started by `srun`; the
    /// merged run recorded world size 2 and equals, bit for bit, one process computing the
    /// same two micro-batches.
    @Test(.enabled(if: cluster != nil && MPITrainingTests.skip == nil,
                   Comment(rawValue: cluster == nil ? "Slurm cannot be installed or started here" : MPITrainingTests.skip ?? "")))
    func aRunOfTwoRanksIsOneTaskOfTwoRanks() throws {
        let folder = try TestFolder(["ranks.yaml": tinyExperiment(name: "ranks", steps: 4, synthesize: false)])
        let (_, merge) = try Self.submit(["run", "ranks.yaml", "--slurm", "--set", "train.ranks=2"], in: folder)
        #expect(try Self.wait(forJob: merge) == "COMPLETED")
        let sweepFolder = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path("shards")).first)
        let script = try String(contentsOfFile: folder.path("shards/\(sweepFolder)/task.sbatch"), encoding: .utf8)
        #expect(script.contains("#SBATCH --ntasks=2"))

        let local = try FunAudioProcess.run(["run", "ranks.yaml", "--db", "local.db", "--set", "train.micro_batches=2"],
                                            in: folder.url)
        #expect(local.status == 0, "\(local.output)")
        let merged = try RunStore(path: folder.path("runs.db"), create: false)
        let runs = try merged.runs()
        #expect(runs.count == 1 && runs.first?.status == .finished)
        #expect(runs.first?.params["train.world_size"] == .int(2))
        let here = try RunStore(path: folder.path("local.db"), create: false)
        #expect(try merged.deterministicMetrics(run: runs[0].id) == here.deterministicMetrics(run: 1))
    }

    /// `scancel` of a task mid-training: it stops with a checkpoint, `list` shows it crashed,
    /// `resume` sends it to Slurm again, and after the merge its metrics and artifacts are
    /// those of an uninterrupted run.
    @Test(.enabled(if: cluster != nil, "Slurm cannot be installed or started here (see scripts/slurm-cluster)"))
    func aCancelledTaskResumesThroughSlurmFromItsCheckpoint() throws {
        let folder = try TestFolder(["one.yaml": tinyExperiment(name: "one", steps: 30, checkpointEvery: 2)])
        let (words, merge) = try Self.submit(["run", "one.yaml", "--slurm"], in: folder)
        let job = try #require(words.firstIndex(of: "job").map { words[$0 + 1] })
        let sweepID = try #require(words.first.map { _ in words[1].dropLast() }).description

        // Cancel once the shard holds a checkpoint (reading a shard on the host that writes it is safe).
        let shard = folder.url.appendingPathComponent("shards/\(sweepID)/0/runs.db").path
        let deadline = Date().addingTimeInterval(300)
        var checkpointed = false
        while !checkpointed, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.3)
            guard FileManager.default.fileExists(atPath: shard),
                  let store = try? RunStore(path: shard, access: .readOnly), let run = try? store.runs().first else { continue }
            checkpointed = (try? store.artifacts(run: run.id).contains { $0.kind == "checkpoint" && ($0.step ?? 0) >= 4 }) ?? false
        }
        #expect(checkpointed)
        let cancel = Process()
        cancel.executableURL = URL(fileURLWithPath: "/usr/bin/scancel")
        cancel.arguments = ["\(job)_0"]
        cancel.environment = Self.slurmEnvironment
        try cancel.run()
        cancel.waitUntilExit()
        _ = try Self.wait(forJob: merge)
        let merged = try RunStore(path: folder.path("runs.db"), create: false)
        #expect(try merged.runs().map(\.status) == [.interrupted])
        let list = try FunAudioProcess(["list"], in: folder.url, environment: Self.slurmEnvironment).finish()
        #expect(list.output.contains("crashed 1"), "\(list.output)")

        let resumed = try FunAudioProcess(["resume", "--sweep", sweepID], in: folder.url,
                                          environment: Self.slurmEnvironment).finish()
        #expect(resumed.status == 0, "\(resumed.output)")
        let resumeWords = resumed.output.split(whereSeparator: \.isWhitespace).map(String.init)
        let secondMerge = try #require(resumeWords.firstIndex(of: "merge").map { resumeWords[$0 + 2] })
        #expect(try Self.wait(forJob: secondMerge) == "COMPLETED")

        let local = try FunAudioProcess.run(["run", "one.yaml", "--db", "local.db"], in: folder.url)
        #expect(local.status == 0, "\(local.output)")
        let here = try RunStore(path: folder.path("local.db"), create: false)
        let runs = try merged.runs()
        #expect(runs.map(\.status) == [.finished])
        #expect(runs.first?.sweepID == nil)  // a single run keeps no sweep id, as it would here
        let twin = try #require(try here.runs().first)
        #expect(try merged.deterministicMetrics(run: runs[0].id) == here.deterministicMetrics(run: twin.id))
        #expect(try merged.artifacts(run: runs[0].id).map(\.sha256) == here.artifacts(run: twin.id).map(\.sha256))
        #expect(try merged.integrity() == "ok")
    }
}
