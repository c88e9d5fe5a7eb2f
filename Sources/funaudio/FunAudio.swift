import ArgumentParser
import Foundation

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
        groupedSubcommands: [
            CommandGroup(name: "Runs", subcommands: [
                RunExperiment.self, RerunExperiment.self, ResumeExperiment.self,
                ListRuns.self, ShowRun.self, SQLQuery.self, ExportRun.self, CheckDatabase.self, MigrateDatabase.self,
            ]),
            CommandGroup(name: "Reports", subcommands: [ReportRun.self, CompareRuns.self]),
            CommandGroup(name: "Audio and text", subcommands: [
                Synth.self, CorpusCommand.self, AudioCommand.self, TextCommand.self,
            ]),
            CommandGroup(name: "Development", subcommands: [Bench.self, Docs.self]),
        ]
    )

    static func main() {
        // Past a file-size limit (`ulimit -f`), writes fail with EFBIG like on a full disk, and
        // the run ends with that error; by default SIGXFSZ would kill the process silently.
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
    }
}

/// `funaudio bench ...`: timed comparisons with the Python peers (PyTorch, librosa).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time FunAudio against its Python peers and print the ratios.",
        subcommands: [BenchTrain.self, BenchOps.self, BenchDSP.self, BenchTracking.self, BenchReport.self,
                      BenchBERT.self]
    )
}
