import Audio
import Config
import Foundation
import Ranks
import Reports
import Tensor
import Text
import Tracking

/// How `funaudio run` runs: where results go and what may be reused.
public struct RunOptions: Sendable {
    /// Recompute every cell even when an earlier run has the same inputs.
    public var force: Bool
    /// Where run and comparison pages are written (`reports/`); nil: no report.
    public var reportsDirectory: URL?
    /// Where built corpora and feature caches live (`corpora/`).
    public var cacheDirectory: URL
    /// The run this one reruns or resumes.
    public var parentRunID: Int64?
    public var tags: [String]
    /// The ranks that run this experiment together (`mpirun -n N funaudio run`): all of them
    /// prepare the data and train; rank 0 alone evaluates, synthesises and reports, and only
    /// its runs.db counts (the others are given a scratch one).
    public var communicator: Communicator

    public init(force: Bool = false, reportsDirectory: URL? = URL(fileURLWithPath: "reports"),
                cacheDirectory: URL = URL(fileURLWithPath: "corpora"), parentRunID: Int64? = nil,
                tags: [String] = [], communicator: Communicator = .single) {
        self.communicator = communicator
        self.force = force
        self.reportsDirectory = reportsDirectory
        self.cacheDirectory = cacheDirectory
        self.parentRunID = parentRunID
        self.tags = tags
    }
}

/// How one run ended.
public struct RunOutcome: Sendable {
    public var runID: Int64
    public var status: RunStatus
    public var error: String?
    /// Cell indices whose outputs came from an earlier run.
    public var reusedCells: [Int]

    public init(runID: Int64, status: RunStatus, error: String? = nil, reusedCells: [Int] = []) {
        self.runID = runID
        self.status = status
        self.error = error
        self.reusedCells = reusedCells
    }
}

/// Runs experiments cell by cell, recording everything in runs.db.
///
/// A failing cell fails its run (status `failed`, the error stored) but never the database:
/// everything recorded until then stays, and the next run of a sweep still starts. SIGINT or
/// SIGTERM stops at the next training step with a checkpoint and status `interrupted`.
public struct Runner {
    public let store: RunStore
    public let options: RunOptions
    let cells: CellLibrary

    public init(store: RunStore, options: RunOptions = RunOptions()) {
        self.store = store
        self.options = options
        self.cells = CellLibrary()
    }

    /// Runs each experiment in turn (a sweep shares one sweep id, and its plan is written
    /// first: see ``SweepPlan``) and returns how each ended. A corpus that cannot serve is
    /// an error before any run is created (``checkCorpora(_:)``).
    public func run(_ experiments: [Experiment]) throws -> [RunOutcome] {
        try checkRanks(experiments)
        try Self.checkCorpora(experiments)
        let sweepID = experiments.count > 1 || experiments.first?.sweepLabel != nil
            ? try planSweep(experiments) : nil
        var outcomes: [RunOutcome] = []
        for experiment in experiments {
            if StopSignal.shared.isRaised { break }
            outcomes.append(try run(experiment, sweepID: sweepID))
        }
        return outcomes
    }

    /// A run that asks for `train.ranks` trains with that many or not at all: refused before
    /// anything runs, with the command that gives them.
    func checkRanks(_ experiments: [Experiment]) throws {
        let world = options.communicator.size
        for experiment in experiments {
            guard let ranks = experiment.settings.train.ranks, ranks != world else { continue }
            throw RunError("train.ranks is \(ranks) in \(experiment.file), but this job has \(world) rank(s): "
                + "launch it with `mpirun -n \(ranks) funaudio run \(experiment.file)`, or submit it with `--slurm`")
        }
    }

    /// The id the runs of one sweep share: `fusion-ablation-1764170000`.
    public static func newSweepID(_ experiments: [Experiment]) -> String {
        "\(experiments.first?.name ?? "sweep")-\(Int(Date().timeIntervalSince1970))"
    }

    /// Runs one experiment from its first cell.
    public func run(_ experiment: Experiment, sweepID: String? = nil) throws -> RunOutcome {
        try checkRanks([experiment])
        StopSignal.shared.install()
        let run = try store.startRun(description(of: experiment, sweepID: sweepID))
        return try execute(experiment, run: run, resumeFrom: nil)
    }

    func description(of experiment: Experiment, sweepID: String?) -> RunDescription {
        let config = experiment.config
        var params: [String: ParamValue] = [:]
        for (key, value) in config.flattened() where !key.hasPrefix("cells.") && key != "description" {
            params[key] = ParamValue(value)
        }
        params["train.world_size"] = .int(Int64(options.communicator.size))
        let settings = experiment.settings
        return RunDescription(
            experiment: experiment.name, experimentDescription: settings.description,
            file: experiment.file, config: experiment.configJSON, seed: Int64(settings.seed),
            params: params, sweepID: sweepID, parentRunID: options.parentRunID,
            tags: options.tags + (experiment.sweepLabel.map { ["sweep: \($0)"] } ?? []),
            environment: .current(funaudioVersion: FunAudioVersion.string, threads: settings.train.threads,
                                  libraries: FunAudioVersion.libraries))
    }

    /// Executes the cells of `run` in order. `resumeFrom` carries the checkpoint of an
    /// interrupted run, which its train cell continues from.
    func execute(_ experiment: Experiment, run: Run, resumeFrom checkpoint: Data?) throws -> RunOutcome {
        // `train.threads` is the run's busy cores in every cell: data preparation, training,
        // evaluation and synthesis (OpenBLAS and FunAudio's own kernels alike).
        Parallel.threadCount = experiment.settings.train.threads
        let context = RunContext(experiment: experiment, run: run, store: store, options: options,
                                 resumeCheckpoint: checkpoint)
        var reused: [Int] = []
        var status = RunStatus.finished
        var failure: String?
        for (index, cell) in experiment.settings.cells.enumerated() {
            // Ranks other than 0 only help to train: what comes after is rank 0's alone.
            if !options.communicator.isRoot, ![.prepare, .train].contains(cell.kind) { continue }
            let kind = cell.kind.rawValue
            let inputs = context.inputHash(cellAt: index)
            do {
                try run.startCell(index, kind: kind, inputSHA256: inputs)
                let result = try cells.execute(cell, index: index, inputHash: inputs, context: context)
                if StopSignal.shared.isRaised {
                    try run.finishCell(index, status: .interrupted, output: result.output)
                    status = .interrupted
                    break
                }
                if result.reused {
                    try run.reuseCell(index, kind: kind, inputSHA256: inputs, output: result.output)
                    reused.append(index)
                } else {
                    try run.finishCell(index, output: result.output)
                }
                if index < experiment.settings.cells.count - 1 { context.writeLivePage() }
            } catch {
                let message = "cell \(index) (\(kind)): \(error)"
                run.log(message, level: .error)
                try? run.finishCell(index, status: .failed, output: "\(error)")
                status = .failed
                failure = message
                break
            }
        }
        do {
            switch status {
            case .interrupted: try run.interrupt("interrupted by signal \(StopSignal.shared.received ?? SIGINT)")
            case .failed: try run.fail(failure ?? "failed")
            default: try run.finish()
            }
        } catch {
            // A full disk at the very end: runs.db keeps the run as running, and the next
            // command can only guess why it stopped. Say it here, where the user looks.
            let ended = status == .finished ? "finished" : "ended \(status.rawValue) (\(failure ?? ""))"
            failure = "run \(run.id) \(ended), but runs.db could not record its end: \(error)"
            FileHandle.standardError.write(Data("funaudio: \(failure!)\n".utf8))
            status = .failed
        }
        if let directory = options.reportsDirectory {
            context.writeReport(to: directory)
        }
        return RunOutcome(runID: run.id, status: status, error: failure, reusedCells: reused)
    }
}

extension ParamValue {
    /// Scalars map one to one; lists keep their JSON text.
    init(_ value: ConfigValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int64(i))
        case .double(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .list, .map: self = .string(value.canonicalJSON)
        }
    }
}

/// The version recorded with every run and mixed into cell cache keys.
public enum FunAudioVersion {
    public static let string = "0.1.0"

    /// The libraries a run's results depend on that Tracking cannot know (it knows no model):
    /// OpenBLAS, libsndfile, libsamplerate, libpng and espeak-ng. Tracking adds SQLite, GRDB
    /// and Swift.
    static var libraries: [String: String] {
        var versions = AudioLibraries.versions
        versions["libpng"] = RGBImage.libpngVersion
        versions["openblas"] = openBLASVersion
        versions["espeak-ng"] = Espeak.shared.version()
        return versions
    }
}
