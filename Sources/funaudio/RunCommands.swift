import ArgumentParser
import Cluster
import Experiments
import Foundation
import Ranks
import Reports
import Tracking

/// Where a run's results go besides runs.db.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Folder of the HTML reports written at the end of every run.", valueName: "dir"))
    var reports: String = "reports"

    @Option(help: ArgumentHelp("Folder of built corpora and cached features.", valueName: "dir"))
    var cache: String = "corpora"

    func runOptions(force: Bool = false) -> RunOptions {
        RunOptions(force: force, reportsDirectory: URL(fileURLWithPath: reports),
                   cacheDirectory: URL(fileURLWithPath: cache))
    }
}

/// `funaudio run FILE`: the everyday command.
struct RunExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run an experiment file: prepare data, train, evaluate, synthesise, report.",
        discussion: """
            Every key of FILE is checked before anything runs (see docs/experiments.md). Results \
            go to runs.db (query them with `funaudio sql`) and to reports/RUN/index.html.

            Examples:
              funaudio run experiments/quickstart.yaml
              funaudio run experiments/quickstart.yaml --set train.steps=200 --set model.fusion.kind=film
              funaudio run experiments/fusion-ablation.yaml        (a sweep: one run per fusion kind)
              funaudio run experiments/fusion-ablation.yaml --jobs 2   (two runs at a time)
              funaudio run experiments/fusion-ablation.yaml --slurm --array-parallelism 4
                  (a Slurm job array, one shard per point, merged into runs.db: docs/cluster.md)

            Ctrl-C stops after the current step with a checkpoint; `funaudio resume RUN` continues.
            """)

    @Argument(help: ArgumentHelp("The experiment file (YAML).", valueName: "file"))
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one key, e.g. model.fusion.kind=film (repeatable; the value is read as YAML).",
        valueName: "key=value"))
    var overrides: [String] = []

    @Flag(help: "Recompute every cell, even those whose inputs match an earlier run.")
    var force = false

    @Option(help: ArgumentHelp("""
        Run up to N points of a sweep at once, each in its own process. Each run still uses \
        train.threads threads: on 2 cores, --jobs 2 pays with train.threads=1.
        """, valueName: "n"))
    var jobs = 1

    @Option(help: .hidden) var sweepPoint: Int?
    @Option(help: .hidden) var sweepID: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var slurm: SlurmOptions

    func validate() throws {
        if slurm.slurm, jobs > 1 || sweepPoint != nil {
            throw ValidationError("--slurm runs each point as a Slurm task: it does not go with --jobs")
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard (sweepPoint == nil) == (sweepID == nil) else {
            throw ValidationError("--sweep-point and --sweep-id go together")
        }
    }

    func run() throws {
        let world = try Communicator.world()
        guard world.size == 1 else { return try runAsRank(of: world) }
        defer { world.finish() }  // `mpirun -n 1`: MPI was initialised all the same
        let experiments = try Experiment.load(file, overrides: overrides)
        if let sweepPoint, !experiments.indices.contains(sweepPoint) {
            throw ValidationError("--sweep-point \(sweepPoint): \(file) has \(experiments.count) sweep points")
        }
        let store = try database.open(create: true)
        let runner = Runner(store: store, options: output.runOptions(force: force))
        if slurm.slurm { return try slurm.submit(experiments, runner: runner, output: output, force: force) }
        if let sweepPoint, let sweepID {
            // A child of `--jobs`: one point of the sweep its parent expanded the same way.
            return try finish([runner.run(experiments[sweepPoint], sweepID: sweepID)], output: output, database: database)
        }
        guard jobs > 1, experiments.count > 1 else {
            return try finish(try runner.run(experiments), output: output, database: database)
        }
        var arguments = [file] + overrides.flatMap { ["--set", $0] } + ["--db", database.db,
                         "--reports", output.reports, "--cache", output.cache]
        if force { arguments.append("--force") }
        try Runner.checkCorpora(experiments)  // once here, not in each child
        let sweepID = try runner.planSweep(experiments)
        let sweep = SweepJobs(arguments: arguments, labels: experiments.map { $0.sweepLabel ?? $0.name },
                              jobs: jobs, sweepID: sweepID,
                              logFolder: SweepPlan.folder(sweepID: sweepID, store: store))
        if try !sweep.run() { throw ExitCode.failure }
    }
}

extension RunExperiment {
    /// One rank of `mpirun -n N funaudio run FILE`: every rank runs the experiment (a sweep's
    /// points one after the other), training together.
    func runAsRank(of world: Communicator) throws {
        guard !slurm.slurm, jobs == 1, sweepPoint == nil else {
            world.finish(timeout: 10)
            throw ValidationError("under mpirun every rank runs the whole file: --slurm, --jobs and --sweep-point do not apply")
        }
        try asRank(of: world, options: output.runOptions(force: force), openStore: { try database.open(create: true) },
                   report: { try finish($0, output: output, database: database) }) {
            try $0.run(Experiment.load(file, overrides: overrides))
        }
    }
}

/// The work of one rank under mpirun, given its runner: rank 0 records in the database
/// `openStore` opens and hands its outcomes to `report`; the others record in a scratch
/// database they delete and print only to stderr. At the end the ranks wait for each other;
/// a rank whose work failed waits only a few seconds, then aborts the job (the others may be
/// waiting for it in a collective).
func asRank(of world: Communicator, options: RunOptions, openStore: () throws -> RunStore,
            report: ([RunOutcome]) throws -> Void, _ work: (Runner) throws -> [RunOutcome]) throws {
    var finished = false
    defer { world.finish(timeout: finished ? nil : 10) }
    var options = options
    options.communicator = world
    if world.isRoot {
        try report(try work(Runner(store: try openStore(), options: options)))
    } else {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("funaudio-rank-\(world.rank)-\(getpid())", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        options.reportsDirectory = nil
        // Each of this rank's lines in one write: every rank of a failing job says why at the
        // same moment, and lines written piecewise would interleave into nonsense.
        let say = { (line: String) in FileHandle.standardError.write(Data("funaudio: rank \(world.rank): \(line)\n".utf8)) }
        let outcomes: [RunOutcome]
        do {
            let store = try RunStore(path: scratch.appendingPathComponent("runs.db").path, create: true)
            outcomes = try work(Runner(store: store, options: options))
        } catch {
            say("\(error)")
            throw ExitCode.failure
        }
        for outcome in outcomes where outcome.status != .finished { say("\(outcome.status.rawValue): \(outcome.error ?? "")") }
        if outcomes.contains(where: { $0.status != .finished }) { throw ExitCode.failure }
    }
    finished = true
}

/// The run a command takes up again, and where its results go.
struct StoredRunArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("A run id, or an experiment name for its latest run.", valueName: "run"))
    var runName: String

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    /// Opens runs.db, finds the run and hands both to `body` with a runner.
    func run(_ body: (Runner, Int64) throws -> RunOutcome) throws {
        guard !Communicator.launchedByMPI() else {
            throw ValidationError("rerun runs in one process, not under mpirun (`funaudio run FILE` and `funaudio resume RUN` train with several ranks)")
        }
        let store = try database.open()
        let outcome = try body(Runner(store: store, options: output.runOptions()), store.resolveRun(runName))
        try finish([outcome], output: output, database: database)
    }
}

/// `funaudio rerun RUN`.
struct RerunExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun",
        abstract: "Run a stored run's configuration again, as a new run, optionally with changes.",
        discussion: """
            Without --set and with the same thread count the losses are bitwise identical to \
            the original's. With --set the new run records RUN as its parent and each change \
            as a tag (`funaudio show` lists both).

            Example: funaudio rerun 12 --set train.lr=0.002
            """)

    @OptionGroup var arguments: StoredRunArguments

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change one key, e.g. train.lr=0.002 (repeatable; checked as `run --set` is).",
        valueName: "key=value"))
    var overrides: [String] = []

    func run() throws { try arguments.run { try $0.rerun($1, overrides: overrides) } }
}

/// `funaudio resume RUN` or `funaudio resume --sweep ID`.
struct ResumeExperiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted or crashed run (or a whole sweep) from its last checkpoint.",
        discussion: """
            With --sweep ID (the id `funaudio run` printed, also in `funaudio show RUN`), every point \
            of the sweep ends: those that never started run, interrupted or crashed ones resume, \
            finished and failed ones stay. Use it after the sweep's process was killed.

            A sweep submitted with --slurm (and a run merged from one) goes back to Slurm: its \
            tasks that are not queued, running or finished are submitted again, each resuming \
            from the checkpoint in its shard, with a new merge job after them.

            A run trained with N ranks resumes with as many: `mpirun -n N funaudio resume RUN` \
            (rank 0 reads the checkpoint and sends it to the others) continues it exactly. One \
            process may also continue it: the same batches and objective, other roundings.
            """)

    @Argument(help: ArgumentHelp("A run id, or an experiment name for its latest run.", valueName: "run"))
    var runName: String?

    @Option(help: ArgumentHelp("Resume every point of this sweep instead of one run.", valueName: "id"))
    var sweep: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (runName == nil) != (sweep == nil) else {
            throw ValidationError("give either a run or --sweep ID")
        }
    }

    /// One rank of `mpirun -n N funaudio resume RUN`: rank 0 reads the run's configuration and
    /// last checkpoint from runs.db and sends them to the others; all continue it together.
    func resumeAsRank(of world: Communicator) throws {
        guard let runName else {
            world.finish(timeout: 10)
            throw ValidationError("under mpirun, resume one run (`mpirun -n N funaudio resume RUN`); a sweep resumes in one process")
        }
        try asRank(of: world, options: output.runOptions(), openStore: { try database.open() },
                   report: { try finish($0, output: output, database: database) }) { runner in
            let point = try world.rootDecides { try runner.resumePoint(runner.store.resolveRun(runName)) }
            return [try runner.resume(point)]
        }
    }

    func run() throws {
        let world = try Communicator.world()
        guard world.size == 1 else { return try resumeAsRank(of: world) }
        defer { world.finish() }
        let store = try database.open()
        if let sweep, let submitted = try SlurmSweep.read(sweepID: sweep, store: store) {
            return try SlurmResume.resubmit(submitted, store: store)
        }
        if let runName, let (submitted, point) = try SlurmResume.point(ofRun: store.resolveRun(runName), store: store) {
            return try SlurmResume.resubmit(submitted, points: [point], store: store)
        }
        let runner = Runner(store: store, options: output.runOptions())
        if let sweep { return try finish(runner.resumeSweep(sweep), output: output, database: database) }
        try finish([runner.resume(store.resolveRun(runName ?? ""))], output: output, database: database)
    }
}

/// One line per run, and a failure exit code when any run did not finish.
private func finish(_ outcomes: [RunOutcome], output: OutputOptions, database: DatabaseOptions) throws {
    let folder = ReportPublisher.pagesFolder(reports: URL(fileURLWithPath: output.reports), database: database.db)
    let reports = folder.path.hasPrefix(FileManager.default.currentDirectoryPath + "/")
        ? String(folder.path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : folder.path
    for outcome in outcomes {
        let reused = outcome.reusedCells.isEmpty ? "" : " (reused cells \(outcome.reusedCells.map(String.init).joined(separator: ", ")))"
        print("run \(outcome.runID): \(outcome.status.rawValue)\(reused) — \(reports)/\(outcome.runID)/index.html")
        if let error = outcome.error { print("  \(error)") }
    }
    if outcomes.contains(where: { $0.status != .finished }) { throw ExitCode.failure }
}
