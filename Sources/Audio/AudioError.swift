import Foundation

/// Why an audio operation could not be done, with the file or parameter at fault and what to
/// do about it. Every throwing function in `Audio` throws this type.
public struct AudioError: LocalizedError, CustomStringConvertible, Equatable, Sendable {
    /// The complete message, naming the file or parameter and the fix.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
    /// The message also as `localizedDescription`, for callers that wrap any error.
    public var errorDescription: String? { message }

    /// A parameter outside its valid range: `name=value` must satisfy `requirement`.
    static func invalidParameter(_ name: String, _ value: Any, _ requirement: String) -> AudioError {
        AudioError("invalid parameter \(name)=\(value): \(requirement)")
    }

    /// Throws `invalidParameter` unless `condition` holds.
    static func require(_ condition: Bool, _ name: String, _ value: Any,
                        _ requirement: String) throws {
        if !condition { throw invalidParameter(name, value, requirement) }
    }
}
