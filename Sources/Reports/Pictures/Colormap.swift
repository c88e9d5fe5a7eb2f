/// Perceptually uniform colormaps for spectrogram images (matplotlib's, generated into
/// `ColormapTables.swift` by scripts/fixtures/make_colormaps.py).
public enum Colormap: String, Sendable, CaseIterable {
    /// Black → purple → orange → pale yellow (librosa's default for spectrograms).
    case magma
    /// Dark blue → green → yellow.
    case viridis

    /// The colour of `x` in [0, 1] (clamped): table entry `round(255·x)`.
    public func color(_ x: Float) -> (UInt8, UInt8, UInt8) {
        let table = self == .magma ? Self.magmaTable : Self.viridisTable
        let i = 3 * Int((min(max(x.isNaN ? 0 : x, 0), 1) * 255).rounded())
        return (table[i], table[i + 1], table[i + 2])
    }

    private static let magmaTable = decode(magmaHex)
    private static let viridisTable = decode(viridisHex)

    private static func decode(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)!
        }
    }
}
