import ArgumentParser
import Cluster
import Tracking

/// `funaudio list`: a table of runs, newest first.
struct ListRuns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show runs, newest first, with the params that differ and their final metrics.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Only runs with this status (\(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))).")
    var status: RunStatus?

    @Option(help: "Only runs of this experiment.")
    var experiment: String?

    @Option(help: "At most this many runs (0 for all).")
    var limit: Int = 20

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more, not \(limit)") }
    }

    func run() throws {
        let store = try database.openForReading()
        let runs = try store.runs(RunFilter(status: status, experiment: experiment, limit: limit == 0 ? nil : limit))
        defer { SlurmListing.lines(store).forEach { print($0) } }
        if runs.isEmpty {
            print("no runs in \(store.path)" + (status != nil || experiment != nil ? " matching the filters" : ""))
            return
        }
        print(RunText.table(runs).rendered(), terminator: "")
    }
}
