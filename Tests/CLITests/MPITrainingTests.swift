import Foundation
import GRDB
import Testing
import Tracking

/// `mpirun -n 2 funaudio run FILE`: two ranks train one model. Needs OpenMPI's `mpirun`
/// (Debian openmpi-bin, which scripts/install-deps installs); skipped only where it is missing.
@Suite(.serialized) struct MPITrainingTests {
    static let mpirun: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// An AddressSanitizer build (CI's second pass): MPI_Init under ASan is a known source of
    /// crashes and reports in OpenMPI's own code (open-mpi/ompi #13069, #10418), not ours.
    static let underAddressSanitizer = dlsym(nil, "__asan_init") != nil
        || ((try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8))?.contains("asan") ?? false)

    static let skip = mpirun == nil ? "mpirun is not installed (Debian openmpi-bin: bash scripts/install-deps)"
        : underAddressSanitizer ? "not under AddressSanitizer (OpenMPI's MPI_Init is not ASan-clean)" : nil

    /// As root (CI containers) mpirun wants `--allow-run-as-root`, on 2 cores two ranks of a
    /// test runner's machine may need `--oversubscribe`; no binding, so the ranks share cores
    /// with whatever else runs. Shared-memory transport without the ptrace-based single copy,
    /// which containers forbid; no memory patcher and no leak checks, should ASan be about.
    static func launcher(ranks: Int) -> [String] {
        [mpirun ?? "mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-n", "\(ranks)"]
    }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none"
        environment["OMPI_MCA_memory"] = "^patcher"
        environment["ASAN_OPTIONS"] = (environment["ASAN_OPTIONS"].map { $0 + ":" } ?? "") + "detect_leaks=0"
        return environment
    }

    /// Dropout is on (the default 0.1), so the micro-batches' dropout streams are compared too.
    static func experiment(steps: Int) -> String {
        tinyExperiment(name: "ranks", steps: steps, synthesize: false)
    }

    static func worldSize(_ store: RunStore) throws -> Int64? {
        try store.pool.read { try Int64.fetchOne($0, sql: "SELECT value FROM params WHERE run_id = 1 AND key = 'train.world_size'") }
    }

    /// Every loss, gradient norm, learning rate and validation score of an N-rank run equals
    /// those of one process that computes the same N micro-batches, bit for bit: each rank's
    /// gradient is one micro-batch's, and the allreduce adds the ranks' in rank order, as the
    /// one process adds its micro-batches' in turn.
    @Test(.enabled(if: skip == nil, Comment(rawValue: skip ?? "")), arguments: [2, 4])
    func ranksEqualOneProcessAccumulatingAsManyMicroBatches(ranks count: Int) throws {
        let folder = try TestFolder(["ranks.yaml": Self.experiment(steps: 4)])
        let ranks = try FunAudioProcess(["run", "ranks.yaml", "--db", "ranks.db"], in: folder.url,
                                        environment: Self.environment, launcher: Self.launcher(ranks: count)).finish(timeout: 180)
        #expect(ranks.status == 0, "\(ranks.output)")
        let single = try FunAudioProcess.run(["run", "ranks.yaml", "--db", "single.db", "--set", "train.micro_batches=\(count)"],
                                             in: folder.url)
        #expect(single.status == 0, "\(single.output)")
        let a = try RunStore(path: folder.path("ranks.db"), create: false)
        let b = try RunStore(path: folder.path("single.db"), create: false)
        let metrics = try a.deterministicMetrics(run: 1)
        #expect(metrics["train.loss@4"]?.count == 1 && metrics["val.mel_l1@4"]?.count == 1)
        #expect(metrics == (try b.deterministicMetrics(run: 1)))
        #expect(try a.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs") } == 1)
        #expect(try Self.worldSize(a) == Int64(count) && Self.worldSize(b) == 1)
        #expect(try a.artifacts(run: 1).contains { $0.kind == "checkpoint" })
        // Rank 1 kept nothing: no database or report of its own.
        #expect(!FileManager.default.fileExists(atPath: folder.path("runs.db")))
        #expect(ranks.output.components(separatedBy: "run 1: finished").count == 2)
    }

    /// `mpirun -n 2 funaudio resume RUN` continues a 2-rank run from its last checkpoint with
    /// the metrics of the uninterrupted run, bit for bit (rank 0 reads the checkpoint and
    /// sends it to rank 1); a job of another size is refused, naming the one to use.
    @Test(.enabled(if: skip == nil, Comment(rawValue: skip ?? "")))
    func resumeUnderMPIContinuesBitwise() throws {
        let folder = try TestFolder(["ranks.yaml": Self.experiment(steps: 4)])
        let first = try FunAudioProcess(["run", "ranks.yaml", "--db", "ranks.db"], in: folder.url,
                                        environment: Self.environment, launcher: Self.launcher(ranks: 2)).finish(timeout: 180)
        try #require(first.status == 0, "\(first.output)")
        let store = try RunStore(path: folder.path("ranks.db"), create: false)
        let uninterrupted = try store.deterministicMetrics(run: 1)
        // As if the job had died after its checkpoint at step 2.
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM artifacts WHERE run_id = 1 AND kind = 'checkpoint' AND step > 2")
            try db.execute(sql: "UPDATE runs SET status = 'crashed' WHERE id = 1")
        }

        let wrongSize = try FunAudioProcess(["resume", "1", "--db", "ranks.db"], in: folder.url,
                                            environment: Self.environment, launcher: Self.launcher(ranks: 3)).finish(timeout: 120)
        #expect(wrongSize.status != 0)
        #expect(wrongSize.output.contains("trained with 2 rank(s), this job has 3"), "\(wrongSize.output)")
        #expect(wrongSize.output.contains("mpirun -n 2 funaudio resume 1"))

        let resumed = try FunAudioProcess(["resume", "1", "--db", "ranks.db"], in: folder.url,
                                          environment: Self.environment, launcher: Self.launcher(ranks: 2)).finish(timeout: 180)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try store.deterministicMetrics(run: 1) == uninterrupted)
        #expect(try store.pool.read { try String.fetchOne($0, sql: "SELECT status FROM runs WHERE id = 1") } == "finished")
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM runs") } == 1)
    }

    /// A run that asks for `train.ranks` is refused in a job of another size, before anything
    /// runs, with the command that gives it its ranks.
    @Test func aRunWithoutItsRanksIsRefused() throws {
        let folder = try TestFolder(["ranks.yaml": Self.experiment(steps: 4)])
        let result = try FunAudioProcess.run(["run", "ranks.yaml", "--db", "ranks.db", "--set", "train.ranks=2"], in: folder.url)
        #expect(result.status != 0)
        #expect(result.output.contains("train.ranks is 2 in ranks.yaml, but this job has 1 rank(s)"), "\(result.output)")
        #expect(result.output.contains("mpirun -n 2 funaudio run ranks.yaml"))
        #expect(try RunStore(path: folder.path("ranks.db"), create: false).runs().isEmpty)
    }

    /// A rank killed outright ends the job within seconds (mpirun stops the others), and the
    /// run is then seen as crashed, so `funaudio resume` takes it up.
    @Test(.enabled(if: skip == nil, Comment(rawValue: skip ?? "")))
    func aKilledRankEndsTheJob() throws {
        let folder = try TestFolder(["ranks.yaml": Self.experiment(steps: 100_000)])
        let job = try FunAudioProcess(["run", "ranks.yaml", "--db", "ranks.db"], in: folder.url,
                                      environment: Self.environment, launcher: Self.launcher(ranks: 2))
        // Training has started once rank 0 has recorded a loss.
        let started = Date()
        var training = false
        while !training, Date().timeIntervalSince(started) < 120, job.process.isRunning {
            Thread.sleep(forTimeInterval: 0.5)
            let losses = try? RunStore(path: folder.path("ranks.db"), create: false)
                .pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metrics WHERE key = 'train.loss'") }
            training = (losses ?? nil ?? 0) > 0
        }
        try #require(training, "training never started: \(job.finish(timeout: 1).output)")
        let rank1 = try #require(Self.rank(1, under: job.pid))
        kill(rank1, SIGKILL)
        let killed = Date()
        let end = job.finish(timeout: 60)
        #expect(Date().timeIntervalSince(killed) < 20)
        #expect(end.status != 0)
        // mpirun may exit a moment before its killed rank 0 is gone: then the run is seen as crashed.
        let store = try RunStore(path: folder.path("ranks.db"), create: false)
        while try store.markCrashedRuns().isEmpty, Date().timeIntervalSince(killed) < 20 { Thread.sleep(forTimeInterval: 0.2) }
        let (status, error) = try #require(try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT status, error FROM runs WHERE id = 1").map { ($0["status"] as String, $0["error"] as String?) }
        })
        #expect(status == "crashed", "\(status): \(error ?? "") \(end.output)")
    }

    /// The pid of the rank `rank` among the descendants of `root` (its environment says).
    static func rank(_ rank: Int, under root: Int32) -> Int32? {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        var parent: [Int32: Int32] = [:]
        for pid in pids {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        func descends(_ pid: Int32) -> Bool {
            var p = pid
            while let up = parent[p], up > 1 { if up == root { return true }; p = up }
            return false
        }
        return pids.first { pid in
            guard descends(pid), let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environ.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "OMPI_COMM_WORLD_RANK=\(rank)" }
        }
    }
}
