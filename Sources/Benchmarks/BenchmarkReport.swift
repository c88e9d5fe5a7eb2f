import Foundation

/// What a `funaudio bench …` command prints: figures a person reads as text, or one JSON
/// object for scripts. Every benchmark returns one, so the command only picks the form.
public protocol BenchmarkReport: Encodable {
    /// The figures as lines of text, peer and ratios beside FunAudio's.
    var text: String { get }
}

extension BenchmarkReport {
    /// One JSON object with sorted keys, on one line.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// `json` or `text`.
    public func rendered(json asJSON: Bool) -> String { asJSON ? json : text }
}

extension Measure {
    /// The 1-minute load average (/proc/loadavg), to read wall-clock figures against.
    static var loadAverage: Double? {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Double($0) }
    }
}

/// The load average before and after a bench, `7.90 → 8.12` (`?` where it was unreadable).
func loadText(_ before: Double?, _ after: Double?) -> String {
    "\(before.map { fixed($0, 2) } ?? "?") → \(after.map { fixed($0, 2) } ?? "?")"
}

/// `String(format:)` with `digits` decimals, the way every report prints a figure.
func fixed(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
