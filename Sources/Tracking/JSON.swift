import Foundation

/// A JSON value with ordered object keys, for `sql --format json` and the JSON columns.
/// (JSONSerialization loses key order and turns integers stored as REAL into floats.)
indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        JSON.encode(lhs) == JSON.encode(rhs)
    }
}

enum JSON {
    /// Compact JSON text; non-finite numbers become `null` (JSON has no NaN).
    static func encode(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .string(let s): out += quote(s)
        case .int(let i): out += String(i)
        case .number(let d): out += d.isFinite ? "\(d)" : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, item)) in members.enumerated() {
                if i > 0 { out += "," }
                out += quote(key) + ":"
                write(item, to: &out)
            }
            out += "}"
        }
    }

    /// A JSON string literal, by Foundation's encoder (quotes, backslashes, control characters).
    static func quote(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try! encoder.encode(s), as: UTF8.self)  // a String always encodes
    }
}
