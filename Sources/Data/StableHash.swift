import Foundation

/// FNV-1a, 64 bits: a short, stable name for a recipe or a set of settings (the key of a
/// cache folder). Not for security: it only needs to change when its input changes.
///
///     h = 0xcbf29ce484222325;  for each byte b: h = (h ^ b) * 0x100000001b3
public enum StableHash {
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let digits = String(h, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of `value` encoded as JSON with sorted keys.
    public static func hex<T: Encodable>(of value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return hex(try encoder.encode(value))
    }
}
