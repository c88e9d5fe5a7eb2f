import Foundation

/// Number formatting for pages, fast enough for tens of thousands of chart points.
public enum NumberText {
    /// Shortest text that reads back as exactly `value`: Float precision when the value is a
    /// Float widened to Double (metrics are mostly Float32), so `0.1` and not
    /// `0.10000000149011612`.
    static func exact(_ value: Double) -> String {
        let single = Float(value)
        return Double(single) == value ? single.description : value.description
    }

    /// A value for people: 4 significant digits, scientific when very large or small.
    static func short(_ value: Double) -> String {
        guard value.isFinite else { return value.description }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e6 {
            var text = String(format: "%.4g", value)
            if text.contains("e") { text = String(format: "%.0f", value) }
            return text
        }
        return String(format: "%.3e", value)
    }

    /// A table value: 5 significant digits (`0.068523`, `1.2346e-05`); the exact value goes in
    /// the cell's tooltip.
    static func display(_ value: Double) -> String {
        guard value.isFinite else { return value.description }
        return String(format: "%.5g", value)
    }

    /// Appends `value` rounded to one decimal (`12.3`, `-0.5`, `7`) as ASCII: chart
    /// coordinates, written without Foundation's formatter.
    @inline(__always)
    static func appendTenths(_ value: Double, to out: inout [UInt8]) {
        var tenths = Int((value * 10).rounded())
        if tenths < 0 {
            out.append(UInt8(ascii: "-"))
            tenths = -tenths
        }
        appendInteger(tenths / 10, to: &out)
        let fraction = tenths % 10
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            out.append(UInt8(ascii: "0") &+ UInt8(fraction))
        }
    }

    @inline(__always)
    static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendInteger(-value, to: &out)
            return
        }
        if value >= 10 { appendInteger(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") &+ UInt8(value % 10))
    }

    /// `2026-11-26 14:10:07 UTC` (without ` UTC` when `zone` is false: a column says it once).
    /// Pages and the terminal show times this way.
    public static func time(_ date: Date, zone: Bool = true) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = zone ? "yyyy-MM-dd HH:mm:ss 'UTC'" : "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: date)
    }

    /// `3.2 s`, `4 min 05 s`, `2 h 07 min`; `?` for a negative or unknown time.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let total = Int(seconds.rounded())
        if total < 3600 { return String(format: "%d min %02d s", total / 60, total % 60) }
        return String(format: "%d h %02d min", total / 3600, (total % 3600) / 60)
    }
}
