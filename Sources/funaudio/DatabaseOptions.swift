import ArgumentParser
import Tracking

/// `--db PATH`: the runs database, shared by every command that reads or writes it.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The runs database.", valueName: "path"))
    var db: String = "runs.db"

    /// Opens the database (creating it only if `create`) and first marks runs whose process
    /// died as `crashed`, as every command does.
    func open(create: Bool = false) throws -> RunStore {
        let store = try RunStore(path: db, create: create)
        try store.markCrashedRuns()
        return store
    }
}

extension RunStatus: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
