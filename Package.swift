// swift-tools-version:6.1
// FunAudio: multimodal (text + audio) speech synthesis research toolkit, CPU-only, in Swift.
// Module map and dependency direction: see ARCHITECTURE.md in the project notes and docs/.
import PackageDescription

/// Hot numeric kernels are compiled without overflow and bounds checks in release builds:
/// with them, index arithmetic blocks vectorisation (a naive matmul runs ~7x slower).
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

/// A system library found through pkg-config, with the Debian package that provides it.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/CLibraries/\(name)", pkgConfig: pkgConfig,
                   providers: [.apt([apt])])
}

let package = Package(
    name: "FunAudio",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "funaudio", targets: ["funaudio"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // C libraries (Debian -dev packages; scripts/install-deps installs them).
        systemLibrary("CBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        systemLibrary("CSndFile", pkgConfig: "sndfile", apt: "libsndfile1-dev"),
        systemLibrary("CSampleRate", pkgConfig: "samplerate", apt: "libsamplerate0-dev"),
        systemLibrary("CPNG", pkgConfig: "libpng", apt: "libpng-dev"),
        systemLibrary("CEspeakNG", pkgConfig: "espeak-ng", apt: "libespeak-ng-dev"),
        systemLibrary("CMPI", pkgConfig: "ompi-c", apt: "libopenmpi-dev"),
        // Keeps libespeak-ng from opening an audio device it never uses (see its .c file).
        .target(name: "CEspeakNoAudio", path: "Sources/CLibraries/CEspeakNoAudio"),

        // The one seeded random generator, shared by every target that draws random numbers.
        .target(name: "Seeded"),

        // Numerics and learning.
        .target(name: "Tensor", dependencies: ["CBLAS", "Seeded"], swiftSettings: kernelSettings),
        .target(name: "NN", dependencies: ["Tensor"], swiftSettings: kernelSettings),

        // Ranks of one job launched by mpirun or srun: rank, size, allreduce, broadcast.
        // A process not launched so never initialises MPI.
        .target(name: "Ranks", dependencies: ["CMPI"]),

        // Audio, text and data.
        // Optimised in debug builds too: its FFT loops run ~100x slower unoptimised, which
        // would make the Griffin-Lim parity tests take minutes.
        .target(name: "Audio", dependencies: ["Tensor", "CSndFile", "CSampleRate", "Seeded"],
                swiftSettings: kernelSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Text", dependencies: ["CEspeakNG", "CEspeakNoAudio"]),
        .target(name: "Data", dependencies: ["Audio", "Text", "Seeded"], resources: [.copy("Resources/sentences.txt")]),

        // The text + audio fusion model, its trainer, evaluation and synthesis.
        .target(name: "Models", dependencies: ["NN", "Audio", "Text", "Data", "Ranks"],
                swiftSettings: kernelSettings),

        // Experiment-file machinery: schema, validation with file:line, extends, --set, sweeps.
        .target(name: "Config", dependencies: ["Yams", "Seeded"]),

        // Tracking (runs.db) knows no model.
        .target(name: "Tracking", dependencies: [
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),  // raw binds in the metric writer
        ]),

        // Experiment files, the notebook-style runner, sweeps, rerun and resume.
        .target(name: "Experiments", dependencies: ["Config", "Audio", "Data", "Models", "Tracking", "Reports", "Ranks"]),

        // Static HTML run and comparison pages (templates in Sources/Reports/Templates), and
        // the pictures and PNGs they show.
        .target(name: "Reports", dependencies: [
            "Tracking", "Audio", "CPNG", .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [.copy("Templates")]),

        // Sweeps as Slurm job arrays, each task on its own shard (sbatch scripts, squeue/sacct).
        .target(name: "Cluster", dependencies: ["Experiments", "Tracking", "Ranks"]),

        // Timed comparisons with the Python peers (`funaudio bench ...`).
        .target(name: "Benchmarks", dependencies: ["Tensor", "NN", "Audio", "Models", "Tracking", "Reports"],
                swiftSettings: kernelSettings),

        // The command-line tool: argument parsing only; the logic lives in the libraries.
        .executableTarget(name: "funaudio", dependencies: [
            "Tensor", "NN", "Audio", "Text", "Data", "Models", "Tracking", "Reports", "Experiments",
            "Benchmarks", "Config", "Cluster", "Ranks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RanksTests", dependencies: ["Ranks"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AudioTests", dependencies: ["Audio", "Seeded"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextTests", dependencies: ["Text"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Seeded"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "Ranks"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TrackingTests", dependencies: ["Tracking"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Models", "Tracking"]),
        // Runs the built `funaudio` binary: what only whole processes show (sweeps with
        // --jobs, SIGKILL and resume, a full disk). Depending on it gets it built first.
        .testTarget(name: "CLITests", dependencies: [
            "funaudio", "Tracking", .product(name: "GRDB", package: "GRDB.swift"),
            "Audio", "Data", "Models", "Text",  // to make the audio, corpora and checkpoints they read
        ]),
        .testTarget(name: "ReportsTests", dependencies: [
            "Reports", "Tracking", .product(name: "GRDB", package: "GRDB.swift"),
        ], resources: [.copy("Fixtures")]),
    ]
)
