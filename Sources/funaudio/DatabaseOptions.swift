import ArgumentParser
import Tracking

/// `--db PATH`: the runs database, shared by every command that reads or writes it.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The runs database.", valueName: "path"))
    var db: String = "runs.db"

    /// Opens the database to write (creating it only if `create`), migrating it, and first
    /// marks runs whose process died as `crashed`, as every writing command does.
    func open(create: Bool = false) throws -> RunStore {
        let store = try RunStore(path: db, create: create)
        try store.markCrashedRuns()
        return store
    }

    /// Opens the database read-only for a command that only reads: nothing in the file
    /// changes, and it works on a file or folder the user may not write.
    func openForReading() throws -> RunStore {
        try RunStore(path: db, access: .readOnly)
    }
}

extension RunStatus: ExpressibleByArgument {}
