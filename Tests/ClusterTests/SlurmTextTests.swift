import Foundation
import Testing
@testable import Cluster

/// What funaudio writes for Slurm and reads back from it, without a cluster.
struct SlurmTextTests {
    @Test func readsTaskStatesIncludingPendingRanges() {
        var states: [String: String] = [:]
        SlurmStatus.parse("""
            41_[4-6,9%2]|PENDING
            41_0|RUNNING
            41_1|COMPLETED
            41_2|CANCELLED by 0
            41_3|FAILED
            42|PENDING
            """, into: &states)
        #expect(states["41_4"] == "PENDING" && states["41_5"] == "PENDING" && states["41_6"] == "PENDING")
        #expect(states["41_9"] == "PENDING" && states["41_7"] == nil && states["41_8"] == nil)
        #expect(states["41_2"] == "CANCELLED")
        #expect(states["42"] == "PENDING")
        #expect(SlurmStatus.classify("CANCELLED") == .crashed)
        #expect(SlurmStatus.classify("TIMEOUT") == .crashed)
        #expect(SlurmStatus.classify("OUT_OF_MEMORY") == .crashed)
        #expect(SlurmStatus.classify("COMPLETING") == .running)
        #expect(SlurmStatus.classify("PENDING") == .queued)
        #expect(SlurmStatus.classify("COMPLETED") == .finished)
        let status = SlurmStatus(points: [.running, .finished, .crashed, .crashed, .queued], merge: .queued)
        #expect(status.summary == "queued 1, running 1, finished 1, crashed 2 (points 3, 4); merge job queued")
    }

    @Test func jobIDsFromSbatch() throws {
        #expect(try SlurmSubmission.jobID("1234\n") == "1234")
        #expect(try SlurmSubmission.jobID("1234;cluster\n") == "1234")
        #expect(throws: ClusterError.self) { try SlurmSubmission.jobID("sbatch: error: invalid partition\n") }
    }

    /// The script runs every point with its own shard as --db; paths with spaces or quotes
    /// stay one word, and only the task id is left to bash.
    @Test func scriptGivesEachTaskItsShard() throws {
        let submission = SlurmSubmission(partition: "cpu", time: "1:00:00", arrayParallelism: 4,
                                         shardsRoot: URL(fileURLWithPath: "/shared/it's here"),
                                         executable: "/opt/fun audio/funaudio", cacheDirectory: URL(fileURLWithPath: "/shared/corpora"))
        let sweep = SlurmSweep(sweepID: "abl-1", submission: submission, jobIDs: [], mergeJobIDs: [],
                               folder: "/shared/it's here/abl-1", labels: ["a", "b", "c"], database: "/home/u/runs.db",
                               submittedAt: Date())
        let script = submission.script(sweep, points: 3, threads: 2, recordsSweepID: true)
        #expect(script.hasPrefix("#!/bin/bash\n"))
        for line in ["#SBATCH --array=0-2%4", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=cpu", "#SBATCH --time=1:00:00",
                     "#SBATCH --output=/shared/it's here/abl-1/%a/slurm-%A_%a.out"] {
            #expect(script.contains(line + "\n"), "missing \(line)")
        }
        let exec = try #require(script.split(separator: "\n").first { $0.hasPrefix("exec ") })
        let folder = SlurmSubmission.quoted("/shared/it's here/abl-1/")
        #expect(exec.contains("'/opt/fun audio/funaudio' 'slurm-task'"))
        #expect(exec.contains("'--db' \(folder)\"$SLURM_ARRAY_TASK_ID\"'/runs.db'"))
        #expect(exec.contains("'--point' ''\"$SLURM_ARRAY_TASK_ID\"''"))
        #expect(exec.hasSuffix("'--records-sweep-id'"))
        // bash reads it back as the words meant.
        let echo = Process()
        echo.executableURL = URL(fileURLWithPath: "/bin/bash")
        echo.arguments = ["-c", "SLURM_ARRAY_TASK_ID=2; set -- " + exec.dropFirst(5) + "; printf '%s\\n' \"$@\""]
        let pipe = Pipe()
        echo.standardOutput = pipe
        try echo.run()
        let words = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        echo.waitUntilExit()
        #expect(words == ["/opt/fun audio/funaudio", "slurm-task", "--plan", "/shared/it's here/abl-1/plan.json",
                          "--point", "2", "--db", "/shared/it's here/abl-1/2/runs.db", "--cache", "/shared/corpora",
                          "--records-sweep-id"])
    }

    /// A task of several ranks (`train.ranks`) asks Slurm for them and starts them with srun.
    @Test func aTaskOfSeveralRanksStartsThemWithSrun() throws {
        let submission = SlurmSubmission(shardsRoot: URL(fileURLWithPath: "/shared"), executable: "/opt/funaudio",
                                         cacheDirectory: URL(fileURLWithPath: "/shared/corpora"))
        let sweep = SlurmSweep(sweepID: "mpi-1", submission: submission, jobIDs: [], mergeJobIDs: [], folder: "/shared/mpi-1",
                               labels: ["a"], database: "/home/u/runs.db", submittedAt: Date())
        let script = submission.script(sweep, points: 1, threads: 1, ranks: 4, recordsSweepID: false)
        #expect(script.contains("#SBATCH --ntasks=4\n#SBATCH --cpus-per-task=1\n"))
        let exec = try #require(script.split(separator: "\n").first { $0.hasPrefix("exec ") })
        #expect(exec.hasPrefix("exec 'srun' '--mpi=pmix' '--ntasks=4' '/opt/funaudio' 'slurm-task'"))
        let single = submission.script(sweep, points: 1, threads: 1, recordsSweepID: false)
        #expect(!single.contains("--ntasks") && !single.contains("srun"))
    }
}
