import Foundation
import Testing
@testable import Data

@Test func parsesTheLJSpeechLayoutWithOptionalColumns() {
    let csv = """
        LJ001-0001|Printing, in 1455.|Printing, in fourteen fifty-five.
        a2|Only text here

        b3|Text|normalized text|speaker-7\r
        """
    let (entries, problems) = MetadataFile.parse(Data(csv.utf8), path: "metadata.csv")
    #expect(problems.isEmpty)
    #expect(entries.map(\.id) == ["LJ001-0001", "a2", "b3"])
    #expect(entries[0].normalizedText == "Printing, in fourteen fifty-five.")
    #expect(entries[1].normalizedText == "only text here")
    #expect(entries[2].speaker == "speaker-7")
    #expect(entries.map(\.line) == [1, 2, 4])
}

@Test func badLinesAreReportedWithTheirNumbers() {
    var data = Data("ok|Fine text.\nbroken line without separators\n".utf8)
    data += Data("latin|caf".utf8) + Data([0xE9]) + Data("\n".utf8)
    data += Data("empty||\nok|Again\n|no id\na|b|c|d|e\n".utf8)
    let (entries, problems) = MetadataFile.parse(data, path: "metadata.csv")
    #expect(entries.map(\.id) == ["ok"])
    #expect(problems.map(\.kind) == [.malformedLine, .notUTF8, .emptyTranscript, .duplicateID,
                                     .malformedLine, .malformedLine])
    #expect(problems.map(\.line) == [2, 3, 4, 5, 6, 7])
    #expect(problems[0].description.hasPrefix("metadata.csv:2: malformed metadata line: expected 'id|text|normalized text'"))
    #expect(problems[3].message.contains("already used on line 1"))
}

@Test func formatRoundTrips() {
    let entries = [MetadataEntry(id: "x", text: "Hi.", normalizedText: "hi.", speaker: "s1", line: 1),
                   MetadataEntry(id: "y", text: "Yo.", normalizedText: "yo.", speaker: "s2", line: 2)]
    let parsed = MetadataFile.parse(Data(MetadataFile.format(entries).utf8), path: "m")
    #expect(parsed.entries == entries)
}
