import CBLAS
import Foundation
import Tensor
import Testing
import Tracking
@testable import Experiments

/// `train.threads` is the run's thread count from its first cell: data preparation (DSP)
/// runs with it as training and evaluation do, in OpenBLAS and FunAudio's pool alike.
/// (Every test sets 1 thread, so tests running at the same time agree.)
@Suite struct ThreadCountTests {
    @Test func trainThreadsSetsThePoolAndOpenBLASBeforeDataPreparation() throws {
        let folder = try temporaryFolder(["prepare.yaml": """
            name: prepare-only
            data:
              builtin: {utterances: 12, speakers: 2}
            train: {threads: 1}
            cells:
              - {kind: prepare}
            """])
        let runner = Runner(store: try RunStore(path: folder + "/runs.db"),
                            options: RunOptions(reportsDirectory: nil, cacheDirectory: URL(fileURLWithPath: folder + "/corpora")))
        let outcome = try runner.run(Experiment.load(folder + "/prepare.yaml"))
        #expect(outcome.map(\.status) == [.finished])
        #expect(Parallel.threadCount == 1)
        #expect(openblas_get_num_threads() == 1)
    }
}
