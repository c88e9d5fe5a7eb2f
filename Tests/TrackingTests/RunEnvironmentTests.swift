import Foundation
import Testing
@testable import Tracking

/// What Tracking itself records about the code a run executes with.
struct RunEnvironmentTests {
    @Test func sqliteGRDBAndSwiftAreRecorded() {
        let versions = RunEnvironment.current(funaudioVersion: "test").libraryVersions
        for key in ["sqlite", "grdb", "swift"] {
            #expect(!(versions[key] ?? "").isEmpty, "no \(key) in \(versions)")
        }
    }

    @Test func theGRDBVersionIsTheOnePackageSwiftPins() throws {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Package.swift")
        let text = try String(contentsOf: package, encoding: .utf8)
        #expect(text.contains("GRDB.swift\", exact: \"\(RunEnvironment.grdbVersion)\""))
    }
}
