import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench report`: render time and weight of a large comparison page.
struct BenchReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Time rendering a comparison of many long runs and weigh the page.")

    @Option(help: "Runs in the comparison.")
    var runs: Int = 20

    @Option(help: "Training-loss points per run.")
    var steps: Int = 50_000

    @Option(help: "Timed renders (the median is reported).")
    var repeats: Int = 5

    @Flag(help: "Skip filling a scratch runs.db and timing loading the runs back.")
    var noDatabase = false

    @Option(help: ArgumentHelp("Directory for the scratch page and database.", valueName: "dir"))
    var dir: String = FileManager.default.temporaryDirectory.path

    @Flag(help: "Print JSON (keys render_ms, page_bytes, …) instead of text.")
    var json = false

    func validate() throws {
        guard runs > 0, steps > 0, repeats > 0 else { throw ValidationError("--runs, --steps and --repeats must be > 0") }
    }

    func run() throws {
        let result = try ReportBench.run(runs: runs, steps: steps, repeats: repeats,
                                         directory: URL(fileURLWithPath: dir, isDirectory: true),
                                         database: !noDatabase)
        print(result.rendered(json: json))
    }
}
