import ArgumentParser
import Tracking

/// `funaudio show RUN`: everything runs.db knows about one run.
struct ShowRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one run: status, environment, params, metrics, cells, artifacts, log and config.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("A run id, or an experiment name for its latest run.", valueName: "run"))
    var runName: String

    @Option(help: "How many of the last log lines to show.")
    var logLines: Int = 20

    func run() throws {
        let store = try database.openForReading()
        let detail = try store.runDetail(try store.resolveRun(runName), logLimit: max(0, logLines))
        print(RunText.page(detail), terminator: "")
    }
}
