/// A 3×5 pixel font for axis labels: digits, `.`, `-`, space and the letters of `Hz`, `k`
/// and `s`, enough for "500", "4k", "8kHz" and "1.5s". Each glyph is five rows, top first,
/// three bits per row (4 = left column, 1 = right).
enum BitmapFont {
    static let width = 3, height = 5

    static let glyphs: [Character: [UInt8]] = [
        "0": [7, 5, 5, 5, 7], "1": [2, 6, 2, 2, 7], "2": [7, 1, 7, 4, 7], "3": [7, 1, 7, 1, 7],
        "4": [5, 5, 7, 1, 1], "5": [7, 4, 7, 1, 7], "6": [7, 4, 7, 5, 7], "7": [7, 1, 1, 1, 1],
        "8": [7, 5, 7, 5, 7], "9": [7, 5, 7, 1, 7], ".": [0, 0, 0, 0, 2], "-": [0, 0, 7, 0, 0],
        " ": [0, 0, 0, 0, 0], "k": [4, 5, 6, 5, 5], "H": [5, 5, 7, 5, 5], "z": [7, 1, 2, 4, 7],
        "s": [3, 4, 2, 1, 6],
    ]

    /// Width in pixels of `text` drawn at `scale` (one blank column between glyphs).
    static func width(of text: String, scale: Int) -> Int {
        max(0, text.count * (width + 1) - 1) * scale
    }

    /// Calls `plot(x, y)` for every lit pixel of `text` with its top-left corner at (x, y).
    /// Characters without a glyph are drawn as blanks.
    static func draw(_ text: String, x: Int, y: Int, scale: Int, _ plot: (Int, Int) -> Void) {
        for (index, character) in text.enumerated() {
            guard let rows = glyphs[character] else { continue }
            let left = x + index * (width + 1) * scale
            for (row, bits) in rows.enumerated() {
                for column in 0..<width where bits & (4 >> column) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale { plot(left + column * scale + dx, y + row * scale + dy) }
                    }
                }
            }
        }
    }
}
