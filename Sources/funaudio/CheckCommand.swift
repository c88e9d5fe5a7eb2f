import ArgumentParser
import Tracking

/// `funaudio check`: is runs.db sound, and are all its artifacts' bytes what they were?
struct CheckDatabase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify runs.db: SQLite's integrity check and every artifact's bytes against its SHA-256.",
        discussion: "Reads only. Exits with status 1 when anything is wrong, after listing every problem.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let check = try database.openForReading().check()
        for problem in check.problems { print(problem) }
        print(check.summary, terminator: "")
        if !check.problems.isEmpty { throw ExitCode.failure }
    }
}

/// `funaudio migrate`: upgrade a runs.db written by an older FunAudio (reading commands never do).
struct MigrateDatabase: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade runs.db to this FunAudio's schema (commands that write do it too; reading commands never do).")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        print("\(store.path): schema up to date")
    }
}
