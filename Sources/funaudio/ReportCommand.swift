import ArgumentParser
import Foundation
import Reports

/// `funaudio report RUN`: the run's HTML page, `reports/RUN/index.html`.
struct ReportRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's HTML page (notebook-style cells, curves, spectrograms, audio, log).",
        discussion: "The page folder holds everything it links to; it opens from file:// and can be zipped.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("A run id, or an experiment name for its latest run.", valueName: "run"))
    var runName: String

    @Option(help: ArgumentHelp("The reports folder: the page goes to DIR/RUN/, the index to DIR/index.html.",
                               valueName: "dir"))
    var out: String = "reports"

    func run() throws {
        let store = try database.openForReading()
        let publisher = try ReportPublisher(store: store, reports: URL(fileURLWithPath: out, isDirectory: true))
        print(try publisher.publishRun(try store.resolveRun(runName)).path)
        for id in try publisher.publishStalePages() {
            print(publisher.reports.appendingPathComponent("\(id)/index.html").path + " (was missing or out of date)")
        }
    }
}

/// `funaudio compare RUN RUN…`: one page comparing runs.
struct CompareRuns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Write a comparison page: differing params, overlaid curves, best metrics, audio side by side.",
        discussion: """
            Name the runs by id (or experiment name), or select them with --query "SELECT id FROM …" \
            (first column: run ids) or --sweep NAME.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Run ids or experiment names.", valueName: "run"))
    var runNames: [String] = []

    @Option(help: ArgumentHelp("A read-only SQL query whose first column is run ids.", valueName: "sql"))
    var query: String?

    @Option(help: ArgumentHelp("Compare the runs of this sweep.", valueName: "name"))
    var sweep: String?

    @Option(help: "The page's title.")
    var title: String?

    @Option(help: ArgumentHelp("The reports folder: the page goes to DIR/compare-…/.", valueName: "dir"))
    var out: String = "reports"

    func validate() throws {
        if runNames.isEmpty && query == nil && sweep == nil {
            throw ValidationError("give run ids, --query SQL or --sweep NAME")
        }
    }

    func run() throws {
        let store = try database.openForReading()
        let publisher = try ReportPublisher(store: store, reports: URL(fileURLWithPath: out, isDirectory: true))
        var ids = try runNames.map(store.resolveRun)
        if let query { ids += try publisher.loader.runIDs(query: query) }
        if let sweep {
            let found = try store.runIDs(sweep: sweep)
            if found.isEmpty { throw ReportError.noRuns(what: "the sweep \(sweep)") }
            ids += found
        }
        var seen = Set<Int64>()
        ids = ids.filter { seen.insert($0).inserted }
        if ids.isEmpty { throw ReportError.noRuns(what: query.map { "the query \($0)" } ?? "the selection") }
        print(try publisher.publishComparison(ids, title: title ?? sweep.map { "Sweep \($0)" }).path)
    }
}
