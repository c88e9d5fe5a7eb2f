import Foundation
import Testing
@testable import Reports

/// How pages and the terminal write times and durations.
@Suite struct NumberTextTests {
    @Test func durations() {
        #expect(NumberText.duration(0.42) == "0.4 s")
        #expect(NumberText.duration(42) == "42.0 s")
        #expect(NumberText.duration(185) == "3 min 05 s")
        #expect(NumberText.duration(7260) == "2 h 01 min")
        #expect(NumberText.duration(.nan) == "?" && NumberText.duration(-1) == "?")
    }

    @Test func timesAreUTC() {
        let date = Date(timeIntervalSince1970: 1_795_000_000)
        #expect(NumberText.time(date) == "2026-11-18 11:06:40 UTC")
        #expect(NumberText.time(date, zone: false) == "2026-11-18 11:06:40")
    }
}
