import Foundation
import GRDBSQLite

/// A parameter value with its type, as stored in the `params` table.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case float(Double)
    case bool(Bool)
    case string(String)
    case null

    /// The `type` column: `int`, `float`, `bool`, `string` or `null`.
    public var typeName: String {
        switch self {
        case .int: "int"
        case .float: "float"
        case .bool: "bool"
        case .string: "string"
        case .null: "null"
        }
    }

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .float(let v): String(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let v): v
        case .null: "null"
        }
    }
}

/// What the runner knows when a run starts: which experiment, its resolved configuration and
/// parameters, and where it runs. Stored once in `runs` and `params`.
public struct RunDescription: Sendable {
    /// Experiment name (the `name:` of the experiment file); created on first use.
    public var experiment: String
    /// Markdown description of the experiment, stored with the experiment if new.
    public var experimentDescription: String?
    /// Path of the experiment file, as given on the command line.
    public var file: String?
    /// The fully resolved configuration (defaults filled, `--set` applied), as text; its SHA-256
    /// is stored too, so runs with identical configurations can be found.
    public var config: String
    public var seed: Int64?
    /// Parameters flattened to dotted keys (`model.fusion.kind`).
    public var params: [String: ParamValue]
    /// Shared by the runs of one sweep.
    public var sweepID: String?
    /// The run this one reruns or resumes.
    public var parentRunID: Int64?
    public var tags: [String]
    public var environment: RunEnvironment

    public init(experiment: String, experimentDescription: String? = nil, file: String? = nil,
                config: String, seed: Int64? = nil, params: [String: ParamValue] = [:],
                sweepID: String? = nil, parentRunID: Int64? = nil, tags: [String] = [],
                environment: RunEnvironment = .current(funaudioVersion: "unspecified")) {
        self.experiment = experiment
        self.experimentDescription = experimentDescription
        self.file = file
        self.config = config
        self.seed = seed
        self.params = params
        self.sweepID = sweepID
        self.parentRunID = parentRunID
        self.tags = tags
        self.environment = environment
    }
}

/// Where and with what code a run executes.
public struct RunEnvironment: Sendable, Equatable {
    public var funaudioVersion: String
    public var gitCommit: String?
    public var host: String
    public var cpu: String
    public var threads: Int
    /// Library name → version (`sqlite`, `openblas`, …), stored as a JSON object.
    public var libraryVersions: [String: String]

    public init(funaudioVersion: String, gitCommit: String?, host: String, cpu: String,
                threads: Int, libraryVersions: [String: String]) {
        self.funaudioVersion = funaudioVersion
        self.gitCommit = gitCommit
        self.host = host
        self.cpu = cpu
        self.threads = threads
        self.libraryVersions = libraryVersions
    }

    /// This process: host name, CPU model from /proc/cpuinfo, active processor count, the git
    /// commit of the working directory (if any), the versions of SQLite, GRDB and the Swift
    /// compiler plus `libraries` (those of the layers Tracking does not know).
    public static func current(funaudioVersion: String, threads: Int? = nil,
                               libraries: [String: String] = [:]) -> RunEnvironment {
        var versions = libraries
        versions["sqlite"] = sqliteVersion
        versions["grdb"] = grdbVersion
        versions["swift"] = swiftCompilerVersion
        return RunEnvironment(
            funaudioVersion: funaudioVersion, gitCommit: gitCommit(),
            host: ProcessInfo.processInfo.hostName, cpu: cpuModel(),
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
            libraryVersions: versions)
    }

    private static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// GRDB has no version at run time: this is the exact version Package.swift pins
    /// (`RunEnvironmentTests` checks that they agree).
    static let grdbVersion = "7.10.0"

    /// The compiler that built this binary (Swift has no run-time constant for it).
    static var swiftCompilerVersion: String {
        #if compiler(>=6.5)
        ">= 6.5"
        #elseif compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "< 6.2"
        #endif
    }

    private static func cpuModel() -> String {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// `git rev-parse HEAD` of the current directory, with `-dirty` if it has local changes;
    /// nil outside a checkout. Part of every cell's cache key.
    public static func gitCommit() -> String? {
        guard let head = run("/usr/bin/git", ["rev-parse", "HEAD"]), !head.isEmpty else { return nil }
        let status = run("/usr/bin/git", ["status", "--porcelain", "--untracked-files=no"]) ?? ""
        return status.isEmpty ? head : head + "-dirty"
    }

    private static func run(_ executable: String, _ arguments: [String]) -> String? {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
