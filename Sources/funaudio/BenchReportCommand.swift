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
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
            return
        }
        print("comparison of \(result.runs) runs × \(result.steps) steps")
        print(String(format: "  render + write  %8.1f ms wall, %.1f ms CPU (render only %.1f ms; target ≤ 1000 ms)",
                     result.renderMS, result.renderCPUMS, result.renderOnlyMS))
        print(String(format: "  page            %8.0f kB without media (target ≤ 2048 kB); media %.0f kB",
                     Double(result.pageBytes) / 1024, Double(result.mediaBytes) / 1024))
        if let load = result.loadMS { print(String(format: "  load from db    %8.1f ms", load)) }
    }
}
