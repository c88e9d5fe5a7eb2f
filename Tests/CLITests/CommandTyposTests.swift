import Foundation
import Testing

/// A misspelt subcommand is answered with the closest one, as a misspelt key is.
@Suite struct CommandTyposTests {
    @Test(arguments: [(["lst"], "lst", "list"), (["shwo", "1"], "shwo", "show"),
                      (["corpus", "biuld"], "biuld", "build")])
    func aMisspeltCommandSuggestsTheClosest(arguments: [String], typo: String, expected: String) throws {
        let folder = try TestFolder([:])
        let result = try FunAudioProcess.run(arguments, in: folder.url)
        #expect(result.status != 0)
        #expect(result.output.contains("unknown command '\(typo)'"), "\(result.output)")
        #expect(result.output.contains("did you mean '\(expected)'?"), "\(result.output)")
    }

    @Test func corpusHelpNamesOnlyItsRealSubcommands() throws {
        let folder = try TestFolder([:])
        let result = try FunAudioProcess.run(["corpus", "--help"], in: folder.url)
        #expect(result.status == 0)
        #expect(result.output.contains("build") && result.output.contains("check"))
        #expect(!result.output.contains("prepare"), "there is no `corpus prepare`: \(result.output)")
    }
}
