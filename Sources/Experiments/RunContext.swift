import Config
import Data
import Foundation
import Models
import Reports
import Tracking

/// What the cells of one run share: the run being recorded, the prepared data and the
/// model as training leaves it.
final class RunContext {
    let experiment: Experiment
    let run: Run
    let store: RunStore
    let options: RunOptions
    /// The checkpoint an interrupted run resumes from (its train cell continues it).
    let resumeCheckpoint: Data?
    var data: PreparedData?
    var model: FusionTTS?
    /// Optimizer steps the model has had; evaluation metrics are recorded at this step.
    var trainedSteps = 0
    /// FunAudio's version and git commit: part of every cell's cache key.
    let codeVersion = "funaudio \(FunAudioVersion.string) \(RunEnvironment.gitCommit() ?? "")"

    init(experiment: Experiment, run: Run, store: RunStore, options: RunOptions, resumeCheckpoint: Data?) {
        self.experiment = experiment
        self.run = run
        self.store = store
        self.options = options
        self.resumeCheckpoint = resumeCheckpoint
    }

    /// The resolved configuration, as stored and hashed.
    var config: ConfigValue { experiment.config }
    var settings: ExperimentSettings { experiment.settings }

    /// A cell's cache key: the code version, the cell itself, and the configuration slices
    /// its output depends on (`prepare`: data and seed; every later cell: data, model, train
    /// and seed). Editing a later cell leaves earlier keys, and so their outputs, unchanged.
    func inputHash(cellAt index: Int) -> String {
        var slices: [String: ConfigValue] = ["cell": config["cells.\(index)"] ?? .null,
                                             "seed": config["seed"] ?? .null, "data": config["data"] ?? .null]
        // `data.durations: auto` means different training once a corpus gains durations.jsonl
        // (`funaudio corpus align`): the source it resolves to, and that file's bytes, count.
        let data = settings.data
        let durationsFile = data.corpusFolder?.appendingPathComponent(DurationsFile.name)
        slices["durations_source"] = .string(data.learnsDurations ? "learned"
            : durationsFile.flatMap { try? Data(contentsOf: $0) }.map { "file " + SHA256.hex($0) } ?? "file")
        if settings.cells[index].dependsOnModel {
            slices["model"] = config["model"]
            slices["train"] = config["train"]
            // The same objective at any world size, but other roundings and dropout draws.
            if options.communicator.size > 1 { slices["world_size"] = .int(options.communicator.size) }
        }
        return SHA256.hex(codeVersion + "\n" + ConfigValue.map(slices).canonicalJSON)
    }

    /// The data, preparing it first if no `prepare` cell ran before (a notebook that starts
    /// with `train` still works).
    func requireData(cellIndex: Int) throws -> PreparedData {
        if let data { return data }
        let prepared = try PreparedData.prepare(settings, cacheDirectory: options.cacheDirectory,
                                                log: { self.run.log($0) })
        data = prepared
        return prepared
    }

    func requireModel(cell: Int, kind: String) throws -> FusionTTS {
        guard let model else {
            throw RunError("cell \(cell) (\(kind)) needs a trained model: put a `train` cell before it")
        }
        return model
    }

    /// Writes the run's page as it stands, while it runs (after each validation and each
    /// cell): whoever watches the run sees its curves, audio and spectrograms so far, and the
    /// open page reloads itself until the final one replaces it. A failure is logged only.
    func writeLivePage() {
        guard let directory = options.reportsDirectory else { return }
        do {
            try run.flush()
            try ReportPublisher(store: store, reports: directory).publishRun(run.id)
        } catch {
            run.log("the page of run \(run.id) was not updated: \(error)", level: .warning)
        }
    }

    /// Writes the run's page; a report failure is logged, never fatal to the run.
    /// Also rewrites the pages of earlier runs that a kill left missing or out of date.
    func writeReport(to directory: URL) {
        do {
            let publisher = try ReportPublisher(store: store, reports: directory)
            try publisher.publishRun(run.id)
            try publisher.publishStalePages()
        } catch {
            FileHandle.standardError.write(Data("funaudio: the report of run \(run.id) was not written: \(error)\n".utf8))
        }
    }
}

/// A problem with how an experiment's cells fit together.
public struct RunError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
