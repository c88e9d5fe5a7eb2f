/// One problem in a configuration, pinned to where it was written.
public struct Issue: Hashable, Sendable, CustomStringConvertible {
    public var location: Location
    /// Dotted key path (`model.fusion.kind`), empty for the file as a whole.
    public var keyPath: String
    public var message: String

    public init(_ location: Location, _ keyPath: String, _ message: String) {
        self.location = location
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        keyPath.isEmpty ? "\(location): \(message)" : "\(location): \(keyPath): \(message)"
    }
}

/// Every problem found in a configuration, one per line, so a user fixes them all in one go.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var issues: [Issue]

    public init(_ issues: [Issue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// The candidate closest to a misspelt name, if it is close enough to be what was meant:
/// the one spelling correction of FunAudio, for keys, values and subcommands alike.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, word.count / 3) ? best.0 : nil
}

/// Levenshtein distance: insertions, deletions and substitutions each cost one.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in stride(from: 1, through: b.count, by: 1) {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}

/// "did you mean 'x'?" or nothing.
func suggestion(for word: String, in candidates: [String]) -> String {
    closestMatch(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
}
