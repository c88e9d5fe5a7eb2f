import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench mpi`: training throughput of 2 ranks × 1 thread against 1 rank × 1 thread.
struct BenchMPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpi",
        abstract: "Time training with 2 MPI ranks × 1 thread against 1 process × 1 thread (utterances/s, allreduce ms).",
        discussion: """
            Each round runs the experiment's prepare and train cells for --steps steps, first as \
            one process, then under `mpirun -n 2`, each with one thread per rank and a fresh \
            scratch runs.db; round 0 warms up (and builds the corpus cache). Prints the median \
            utterances/s of each side, the speed-up as the median of per-round ratios with a 95 % \
            interval, and the allreduce time per step. Needs OpenMPI's mpirun. Build in release \
            (`swift build -c release --product funaudio`) for figures worth quoting.
            """)

    @Option(help: "Timed rounds (after one warm-up round).")
    var rounds = 5

    @Option(help: "Training steps per side and round (the first two are left out).")
    var steps = 12

    @Option(help: ArgumentHelp("The experiment whose data, model and batch are trained.", valueName: "file"))
    var experiment = "experiments/quickstart.yaml"

    @Option(help: ArgumentHelp("Folder of built corpora and cached features.", valueName: "dir"))
    var cache = "corpora"

    @Option(help: ArgumentHelp("The mpirun to launch the ranks with.", valueName: "path"))
    var mpirun = "mpirun"

    @Flag(help: "Print one JSON object (one_rank_utterances_per_s, two_ranks_utterances_per_s, speedup, scaling_efficiency, allreduce_ms_per_step, …).")
    var json = false

    func validate() throws {
        guard rounds >= 1, steps >= 3 else { throw ValidationError("--rounds must be at least 1 and --steps at least 3") }
    }

    func run() throws {
        let path = mpirun.contains("/") ? mpirun
            : (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(mpirun)" }
                .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            throw ValidationError("\(mpirun) is not on PATH: install OpenMPI (Debian openmpi-bin, `bash scripts/install-deps`)")
        }
        let executable = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                             ?? CommandLine.arguments[0])
        var settings = MPIBench.Settings(executable: executable, mpirun: path)
        settings.rounds = rounds
        settings.steps = steps
        settings.experiment = experiment
        settings.cache = cache
        let report = try MPIBench.run(settings) { round in
            if !json { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
