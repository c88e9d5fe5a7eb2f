import Foundation

extension ConfigValue {
    /// The value as a typed settings tree: `snake_case` keys become `camelCase` properties
    /// (`train.batch_size` → `batchSize`), choices decode into `String` raw-value enums, and
    /// an integer reads as a `Double` where one is wanted (`lr: 1`).
    ///
    /// Call it on a configuration the schema has resolved: every key is then present and of
    /// its declared type, so a failure here means the schema and the type disagree (a bug),
    /// which is reported with the key path rather than trapping.
    ///
    /// Foundation's `JSONDecoder` does the work over the canonical JSON text: its key
    /// conversion and number handling are exactly what this needs, so no decoder of our own.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: Data(canonicalJSON.utf8))
        } catch let error as DecodingError {
            throw SettingsMismatch(type: "\(T.self)", error: error)
        }
    }
}

/// A resolved configuration that does not fit the settings type it is decoded into: the
/// schema and the type have drifted apart.
public struct SettingsMismatch: Error, CustomStringConvertible {
    public var type: String
    public var error: DecodingError

    public var description: String {
        let (path, reason): ([any CodingKey], String) = switch error {
        case .keyNotFound(let key, let context): (context.codingPath + [key], "missing")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath, context.debugDescription)
        @unknown default: ([], "\(error)")
        }
        let key = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return "internal error: the settings key '\(key)' does not fit \(type) (\(reason)); " +
            "the experiment schema and its settings types disagree"
    }
}

extension Kind {
    /// A choice among an enum's raw values, so the schema offers exactly what the code accepts.
    public static func choice<Choice: CaseIterable & RawRepresentable>(of _: Choice.Type) -> Kind
    where Choice.RawValue == String {
        .choice(Choice.allCases.map(\.rawValue))
    }
}
