import ArgumentParser

/// `funaudio`: train, evaluate and compare text + audio speech synthesis experiments.
///
/// Each subcommand is a thin shell over a library target, so everything it does can be
/// reached from tests without running the binary.
@main
struct FunAudio: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "funaudio",
        abstract: "Multimodal (text + audio) speech synthesis experiments on the CPU.",
        discussion: """
            Write an experiment file in experiments/, run it, and find its losses, audio and \
            spectrograms in runs.db and reports/.
            """,
        version: "0.1.0",
        subcommands: [ListRuns.self, ShowRun.self, SQLQuery.self, ExportRun.self, Bench.self, Docs.self]
    )
}

/// `funaudio bench ...`: timed comparisons with the Python peers (PyTorch, librosa).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time FunAudio against its Python peers and print the ratios.",
        subcommands: [BenchTrain.self, BenchOps.self, BenchTracking.self]
    )
}
