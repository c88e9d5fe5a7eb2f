/// A metric as the code that records it knows it: its dotted key, which way is better, and
/// its unit. Stored once per key in `metric_keys`, so reports and SQL read whether a lower or
/// a higher value is the best one instead of guessing it from the name.
///
/// The key's first component is its split (`train.loss`: split `train`, name `loss`): series
/// of one name in several splits (`train.mel_l1`, `val.mel_l1`) are one quantity.
public struct Metric: Hashable, Sendable, ExpressibleByStringLiteral {
    /// Which value of a series is its best.
    public enum Goal: String, Sendable, CaseIterable, Codable {
        /// Losses, errors, distortions.
        case minimize
        /// Throughputs, scores.
        case maximize
        /// Neither: a setting or a measurement followed over time (learning rate, gradient norm).
        case none
    }

    /// Dotted key, `split.name`.
    public let key: String
    public let goal: Goal
    /// Unit of the values (`dB`, `utterances/s`), nil for plain numbers.
    public let unit: String?

    public init(_ key: String, goal: Goal, unit: String? = nil) {
        self.key = key
        self.goal = goal
        self.unit = unit
    }

    /// A key written as a literal names a metric with no goal: it has no best value.
    public init(stringLiteral key: String) {
        self.init(key, goal: .none)
    }

    /// The part of the key before its first dot (`train`, `val`, `eval`), nil without a dot.
    public var split: String? { Self.split(of: key) }

    /// The key without its split.
    public var name: String { split.map { String(key.dropFirst($0.count + 1)) } ?? key }

    static func split(of key: String) -> String? {
        guard let dot = key.firstIndex(of: "."), dot != key.startIndex, key.index(after: dot) != key.endIndex else { return nil }
        return String(key[..<dot])
    }
}
