import Foundation
import Testing
import Tracking

/// A run records the version of every library its results depend on.
@Suite struct LibraryVersionsTests {
    @Test func aRunRecordsEveryLibrary() throws {
        let folder = try TestFolder(["tiny.yaml": tinyExperiment(steps: 2)])
        let made = try FunAudioProcess.run(["run", "tiny.yaml"], in: folder.url)
        #expect(made.status == 0, "\(made.output)")
        let store = try RunStore(path: folder.path("runs.db"), access: .readOnly)
        let versions = try store.runDetail(1).environment.libraryVersions
        for key in ["sqlite", "grdb", "swift", "openblas", "libsndfile", "libsamplerate", "libpng", "espeak-ng"] {
            #expect(!(versions[key] ?? "").isEmpty, "no \(key) in \(versions)")
        }
        #expect(versions["openblas"]?.contains("OpenBLAS") == true, "\(versions)")
    }
}
