import Foundation
import Testing
@testable import Config

/// A "billion laughs" file: ten levels of nine aliases stand for 9^10 values in 12 lines.
/// It is refused from the parser's events, before anything is expanded.
@Suite struct AliasBomb {
    static func bomb(underKey key: String = "junk") -> String {
        var lines = ["name: demo", "\(key):", "  a: &a [\"lol\"]"]
        let names = Array("abcdefghij").map(String.init)
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("  \(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func anAliasBombIsRefusedQuicklyWithItsLine() {
        let started = Date()
        let issues = problems(Self.bomb())
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(issues.count == 1)
        // Level f (line 8) is the first whose expansion (1 + 9 · 13,942 values) passes the limit.
        #expect(issues.first?.hasPrefix("x.yaml:8:") == true, "\(issues)")
        #expect(issues.first?.contains("aliases expand to more than") == true, "\(issues)")
    }

    @Test func anAliasedKeyIsCountedToo() {
        var yaml = Self.bomb()
        yaml += "? *j\n: 1\n"
        let started = Date()
        #expect(!problems(yaml).isEmpty)
        #expect(Date().timeIntervalSince(started) < 1)
    }

    @Test func ordinaryAliasesStillWork() throws {
        let node = try SourcedNode.parse("base: &b {kind: film}\nmodel:\n  fusion: *b\n", file: "x.yaml")
        #expect(node.location(at: "model.fusion.kind").line == 1, "the alias stands for the anchored mapping")
    }
}
