import Foundation
import GRDB

extension RunStore {
    /// Writes artifacts of `run` into `directory` and returns the files written.
    ///
    /// - `names`: the artifacts to export (the latest of each name); nil exports every
    ///   artifact plus `config.yaml` (the resolved config) and `metrics.csv` (all points).
    ///   When a name occurs more than once, each copy is written as `<stem>.step<N>.<ext>`
    ///   (or `<stem>.id<artifact id>.<ext>` without a distinct step).
    /// Names are paths relative to `directory`; a name that would escape it (`..`, absolute) is refused.
    @discardableResult
    public func export(run: Int64, names: [String]?, to directory: URL) throws -> [URL] {
        var files: [(name: String, artifact: Artifact)] = []
        if let names {
            files = try names.map { ($0, try artifact(run: run, name: $0)) }
        } else {
            let all = try artifacts(run: run)
            let counts = Dictionary(grouping: all, by: \.name).mapValues(\.count)
            var used = Set<String>()
            files = all.map { a in
                var name = a.name
                if counts[a.name, default: 0] > 1 {
                    let ext = (a.name as NSString).pathExtension
                    let stem = ext.isEmpty ? a.name : String(a.name.dropLast(ext.count + 1))
                    let dotExt = ext.isEmpty ? "" : "." + ext
                    name = stem + (a.step.map { ".step\($0)" } ?? ".id\(a.id)") + dotExt
                    if used.contains(name) { name = stem + ".id\(a.id)" + dotExt }
                }
                used.insert(name)
                return (name, a)
            }
        }
        var written: [URL] = []
        try create(directory)
        for (name, artifact) in files {
            let target = try safeURL(name, in: directory)
            try create(target.deletingLastPathComponent())
            try write(try data(of: artifact), to: target)
            written.append(target)
        }
        if names == nil {
            let detail = try runDetail(run, logLimit: 0)
            let config = directory.appendingPathComponent("config.yaml")
            try write(Data(detail.config.utf8), to: config)
            let metrics = directory.appendingPathComponent("metrics.csv")
            let rows = try execute(sql: "SELECT key, step, value, wall_time FROM metrics WHERE run_id = \(run) ORDER BY key, step")
            try write(Data(rows[0].csv.utf8), to: metrics)
            written += [config, metrics]
        }
        return written
    }

    private func safeURL(_ name: String, in directory: URL) throws -> URL {
        let parts = name.split(separator: "/")
        guard !name.hasPrefix("/"), !parts.isEmpty, !parts.contains(".."), !parts.contains(".") else {
            throw TrackingError.cannotWriteOutput(path: name, reason: "artifact name is not a plain relative path; refusing to export it")
        }
        return directory.appendingPathComponent(name)
    }

    private func create(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.cannotWriteOutput(path: directory.path, reason: "cannot create the folder: "
                + Self.whyNoFolder(directory, error))
        }
    }

    /// Foundation's own message here is a bare "error 512": name the path in the way instead.
    private static func whyNoFolder(_ directory: URL, _ error: Error) -> String {
        var ancestor = directory
        while !FileManager.default.fileExists(atPath: ancestor.path), ancestor.path != "/" {
            ancestor = ancestor.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory)
        if !isDirectory.boolValue { return "\(ancestor.path) is a file, not a folder" }
        if !FileManager.default.isWritableFile(atPath: ancestor.path) { return "\(ancestor.path) is not writable" }
        return error.localizedDescription
    }

    private func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw TrackingError.cannotWriteOutput(path: url.path, reason: error.localizedDescription)
        }
    }
}
