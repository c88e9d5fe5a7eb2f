import ArgumentParser
import Experiments

/// `funaudio docs experiments`: the experiment-file reference, generated from the schema.
struct Docs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print generated reference documentation.",
        discussion: "funaudio docs experiments > docs/experiments.md")

    @Argument(help: "Which reference: experiments.")
    var topic: Topic

    enum Topic: String, ExpressibleByArgument, CaseIterable { case experiments }

    func run() {
        switch topic {
        case .experiments: print(ExperimentSchema.referenceMarkdown, terminator: "")
        }
    }
}
