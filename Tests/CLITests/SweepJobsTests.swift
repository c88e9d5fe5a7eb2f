import Foundation
import Testing
import Tracking

/// `funaudio run FILE --jobs N`: the points of a sweep in parallel processes, one runs.db.
@Suite struct SweepJobsTests {
    static let sweep = tinyExperiment(steps: 6, sweep: """
        sweep:
          grid:
            model.fusion.kind: [attention_pool, cross_attention, concat, film]
        """)

    @Test func parallelRunsRecordExactlyWhatSequentialRunsDo() throws {
        let folder = try TestFolder(["sweep.yaml": Self.sweep])
        let parallel = try FunAudioProcess.run(["run", "sweep.yaml", "--jobs", "4", "--db", "parallel.db"], in: folder.url)
        #expect(parallel.status == 0, "\(parallel.output)")
        #expect(!parallel.output.contains("locked"))
        for point in 1...4 { #expect(parallel.output.contains("[\(point)/4] run ")) }
        let sequential = try FunAudioProcess.run(["run", "sweep.yaml", "--db", "sequential.db"], in: folder.url)
        #expect(sequential.status == 0, "\(sequential.output)")

        let a = try RunStore(path: folder.path("parallel.db"), create: false)
        let b = try RunStore(path: folder.path("sequential.db"), create: false)
        #expect(try a.integrity() == "ok")
        let runsA = try a.runs(), runsB = try b.runs()
        #expect(runsA.count == 4)
        #expect(runsA.allSatisfy { $0.status == .finished })
        #expect(Set(runsA.map(\.sweepID)).count == 1)
        #expect(runsA.first?.sweepID != nil)
        // Same seeds and thread count: every point, loss and artifact count of each fusion
        // kind matches the sequential sweep's, whichever order the processes ran in.
        func byKind(_ runs: [RunSummary]) -> [String: Int64] {
            Dictionary(uniqueKeysWithValues: runs.map { ("\($0.params["model.fusion.kind"]!)", $0.id) })
        }
        let idsA = byKind(runsA), idsB = byKind(runsB)
        #expect(idsA.keys.sorted() == idsB.keys.sorted())
        for (kind, id) in idsA {
            let metrics = try a.deterministicMetrics(run: id)
            #expect(metrics["train.loss@6"] != nil, "\(kind)")
            #expect(metrics == (try b.deterministicMetrics(run: idsB[kind]!)), "\(kind)")
            #expect(try a.artifacts(run: id).count == (try b.artifacts(run: idsB[kind]!)).count, "\(kind)")
        }
    }

    @Test func badJobCountsAreRefused() throws {
        let folder = try TestFolder(["sweep.yaml": Self.sweep])
        let result = try FunAudioProcess.run(["run", "sweep.yaml", "--jobs", "0"], in: folder.url)
        #expect(result.status != 0)
        #expect(result.output.contains("--jobs must be at least 1"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("runs.db")))
    }
}
