import Foundation

/// Runs a Python peer benchmark (`scripts/peers/<name>.py`) in the repository's peer
/// virtualenv (the python that `scripts/install-peers` prints) and parses the one JSON
/// object it prints.
public enum Peer {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The repository root: the nearest directory at or above the working directory (then
    /// the executable's) holding `Package.swift` and `scripts/install-peers`.
    public static func repositoryRoot() throws -> URL {
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        for start in starts {
            var dir = start.standardizedFileURL
            while dir.path != "/" {
                if FileManager.default.fileExists(atPath: dir.appendingPathComponent("scripts/install-peers").path),
                   FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                    return dir
                }
                dir.deleteLastPathComponent()
            }
        }
        throw Failure(description: "cannot find the FunAudio repository (scripts/install-peers) above \(starts[0].path); run from the checkout or pass --no-peer")
    }

    /// The virtualenv's python, as `scripts/install-peers` prints it (installing it if needed).
    public static func python() throws -> String {
        let installer = try repositoryRoot().appendingPathComponent("scripts/install-peers").path
        return try output(of: installer, []).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n").last.map(String.init) ?? ""
    }

    /// The path of `scripts/peers/<script>`.
    public static func script(_ script: String) throws -> URL {
        try repositoryRoot().appendingPathComponent("scripts/peers/\(script)")
    }

    /// Runs `scripts/peers/<script>` with `arguments`; returns what it printed.
    public static func output(of script: String, arguments: [String]) throws -> String {
        try output(of: python(), [self.script(script).path] + arguments)
    }

    /// Runs `scripts/peers/<script>` with `arguments`; decodes the JSON object it printed last.
    public static func decode<T: Decodable>(_ type: T.Type, from script: String, arguments: [String] = []) throws -> T {
        let text = try output(of: script, arguments: arguments)
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        do {
            return try JSONDecoder().decode(T.self, from: Data(line.utf8))
        } catch {
            throw Failure(description: "peer \(script) printed no \(T.self) JSON object (\(error)); its output was:\n\(text)")
        }
    }

    private static func output(of executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch {
            throw Failure(description: "cannot run \(executable): \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus):\n\(text)")
        }
        return text
    }
}
