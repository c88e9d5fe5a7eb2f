import ArgumentParser
import Foundation
import Tracking

/// `funaudio export RUN`: get artifacts (audio, images, checkpoints…) back out of runs.db.
struct ExportRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's artifacts to a directory.",
        discussion: "--all also writes config.yaml (the resolved config) and metrics.csv (every point).")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("A run id, or an experiment name for its latest run.", valueName: "run"))
    var runName: String

    @Option(name: .customLong("artifact"), help: "An artifact name to export (repeatable).")
    var artifacts: [String] = []

    @Flag(help: "Export every artifact, the config and the metrics.")
    var all = false

    @Option(help: ArgumentHelp("Directory to write into (created if missing).", valueName: "dir"))
    var out: String

    func validate() throws {
        guard all != !artifacts.isEmpty else {
            throw ValidationError("give either --artifact NAME (one or more) or --all")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let id = try store.resolveRun(runName)
        let files = try store.export(run: id, names: all ? nil : artifacts,
                                     to: URL(fileURLWithPath: out, isDirectory: true))
        for file in files { print(file.path) }
    }
}
