import Foundation

/// Where the tasks of a submitted sweep stand, from `squeue` (which keeps ended jobs for
/// `MinJobAge`) and `sacct` when accounting is on.
public struct SlurmStatus: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case queued, running, finished
        /// Cancelled, failed, timed out, out of memory, node failure: `funaudio resume` resubmits it.
        case crashed
        /// Slurm no longer knows the task (ended long ago, or no accounting).
        case unknown
    }

    /// The state of each point.
    public var points: [State]
    /// The state of the latest merge job, when Slurm still knows it.
    public var merge: State?

    /// Asks Slurm about `sweep`'s jobs; nil when no Slurm command is on PATH.
    public static func of(_ sweep: SlurmSweep) -> SlurmStatus? {
        guard SlurmCommand.find("squeue") != nil else { return nil }
        var states = [String: String]()  // "job_task" or "job" → Slurm state
        let jobs = (sweep.jobIDs + sweep.mergeJobIDs).joined(separator: ",")
        if let accounting = try? SlurmCommand.run("sacct", ["-n", "-P", "-X", "-j", jobs, "-o", "JobID,State"]) {
            parse(accounting, into: &states)
        }
        if let queue = try? SlurmCommand.run("squeue", ["-h", "--states=all", "-j", jobs, "-o", "%i|%T"]) {
            parse(queue, into: &states)
        }
        var points = [State](repeating: .unknown, count: sweep.labels.count)
        for job in sweep.jobIDs {  // later submissions override earlier ones
            for point in points.indices {
                if let state = states["\(job)_\(point)"] { points[point] = classify(state) }
            }
        }
        return SlurmStatus(points: points, merge: sweep.mergeJobIDs.last.flatMap { states[$0] }.map(classify))
    }

    /// Reads `id|STATE` lines; a pending array range `123_[2-5,7%4]` gives each of its tasks.
    static func parse(_ text: String, into states: inout [String: String]) {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            let id = fields[0]
            let state = fields[1].split(separator: " ").first.map(String.init) ?? fields[1]
            if let open = id.firstIndex(of: "["), let close = id.firstIndex(of: "]") {
                let job = id[..<open].dropLast()  // "123_"
                let list = id[id.index(after: open)..<close].split(separator: "%").first ?? ""
                for part in list.split(separator: ",") {
                    let bounds = part.split(separator: "-").compactMap { Int($0) }
                    guard let low = bounds.first, let high = bounds.last, low <= high else { continue }
                    for task in low...high { states["\(job)_\(task)"] = state }
                }
            } else {
                states[id] = state
            }
        }
    }

    static func classify(_ state: String) -> State {
        switch state {
        case "PENDING", "REQUEUED", "SUSPENDED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD": .queued
        case "RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "SIGNALING", "RESIZING": .running
        case "COMPLETED": .finished
        default: .crashed
        }
    }

    /// "queued 2, running 4, finished 1, crashed 1 (points 3)".
    public var summary: String {
        var parts: [String] = []
        for state in State.allCases {
            let points = points.indices.filter { self.points[$0] == state }
            guard !points.isEmpty else { continue }
            let which = state == .crashed ? " (points \(points.map { String($0 + 1) }.joined(separator: ", ")))" : ""
            parts.append("\(state.rawValue) \(points.count)\(which)")
        }
        return parts.joined(separator: ", ") + (merge.map { "; merge job \($0.rawValue)" } ?? "")
    }
}
