import ArgumentParser
import Config
import Experiments
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

            A crash ends funaudio at once with a one-line message (no backtrace, so that a \
            batch job is never held by a hung process). For Swift's backtrace, run again with \
            SWIFT_BACKTRACE=enable=yes,interactive=no in the environment.
            """,
        version: FunAudioVersion.string,
        groupedSubcommands: [
            CommandGroup(name: "Runs", subcommands: [
                RunExperiment.self, RerunExperiment.self, ResumeExperiment.self,
                ListRuns.self, ShowRun.self, SQLQuery.self, ExportRun.self, CheckDatabase.self, MigrateDatabase.self,
                MergeShards.self, SlurmTaskCommand.self,
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
        // A closed pipe (`funaudio list | head`, a parent gone) is a failed write, not death.
        signal(SIGPIPE, SIG_IGN)
        CrashExit.install()
        if let message = unknownSubcommand(in: Array(CommandLine.arguments.dropFirst())) {
            exit(withError: ValidationError(message))
        }
        main(nil)
    }

    /// "unknown command 'lst'; did you mean 'list'?" for the first word that names no
    /// subcommand where one is expected (ArgumentParser says only "Unexpected argument").
    static func unknownSubcommand(in arguments: [String]) -> String? {
        var command: ParsableCommand.Type = FunAudio.self
        var path = ["funaudio"]
        for word in arguments {
            let configuration = command.configuration
            let children = configuration.subcommands + configuration.groupedSubcommands.flatMap(\.subcommands)
            let names = children.map { $0._commandName } + (command == FunAudio.self ? ["help"] : [])
            guard !children.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            guard let next = children.first(where: { $0._commandName == word }) else {
                let guess = closestMatch(to: word, in: names).map { "; did you mean '\($0)'?" } ?? ""
                return "unknown command '\(word)' for `\(path.joined(separator: " "))`\(guess) "
                    + "(`\(path.joined(separator: " ")) --help` lists them)"
            }
            command = next
            path.append(word)
        }
        return nil
    }
}

/// `funaudio bench ...`: timed comparisons with the Python peers (PyTorch, librosa).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time FunAudio against its Python peers and print the ratios.",
        subcommands: [BenchTrain.self, BenchProfile.self, BenchOps.self, BenchDSP.self, BenchVocoder.self, BenchSynth.self, BenchAlign.self,
                      BenchTracking.self, BenchReport.self, BenchBERT.self, BenchMerge.self, BenchMPI.self]
    )
}
