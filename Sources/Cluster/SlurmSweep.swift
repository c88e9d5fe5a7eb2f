import Experiments
import Foundation
import Tracking

/// A sweep submitted to Slurm, recorded as `sweeps/<id>/slurm.json` beside runs.db (with the
/// sweep's plan): what `funaudio list` and `funaudio resume` need to find its tasks again.
public struct SlurmSweep: Codable, Sendable, Equatable {
    public var sweepID: String
    /// How it was submitted (partition, time, sbatch options, executable): resubmissions reuse it.
    public var submission: SlurmSubmission
    /// The array job of the sweep's points, then each resubmission's (`funaudio resume`).
    public var jobIDs: [String]
    /// The dependent merge jobs, one per submission.
    public var mergeJobIDs: [String]
    /// `<shards>/<sweep id>`: the plan, the sbatch script, and one shard folder per point.
    public var folder: String
    public var labels: [String]
    /// The runs.db the merge job merges into.
    public var database: String
    public var submittedAt: Date

    /// The shard folder of point `point` (0-based): its runs.db, blobs and Slurm output.
    public func shard(_ point: Int) -> URL {
        URL(fileURLWithPath: folder).appendingPathComponent(String(point))
    }

    public var script: URL { URL(fileURLWithPath: folder).appendingPathComponent("task.sbatch") }
    public var plan: URL { URL(fileURLWithPath: folder).appendingPathComponent("plan.json") }

    static func file(sweepID: String, store: RunStore) -> URL {
        SweepPlan.folder(sweepID: sweepID, store: store).appendingPathComponent("slurm.json")
    }

    func write(beside store: RunStore) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let url = Self.file(sweepID: sweepID, store: store)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url, options: .atomic)
    }

    /// The Slurm record of sweep `sweepID`, or nil when it ran on this machine.
    public static func read(sweepID: String, store: RunStore) throws -> SlurmSweep? {
        guard let data = FileManager.default.contents(atPath: file(sweepID: sweepID, store: store).path) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(SlurmSweep.self, from: data)
        } catch {
            throw ClusterError("\(file(sweepID: sweepID, store: store).path) is damaged: \(error)")
        }
    }

    /// Every sweep submitted to Slurm beside `store`, newest first.
    public static func all(beside store: RunStore) -> [SlurmSweep] {
        let sweeps = URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("sweeps")
        let ids = (try? FileManager.default.contentsOfDirectory(atPath: sweeps.path)) ?? []
        return ids.compactMap { try? read(sweepID: $0, store: store) }.sorted { $0.submittedAt > $1.submittedAt }
    }
}
