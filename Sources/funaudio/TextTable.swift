/// A plain-text table with a header and columns padded to their widest cell; numbers are
/// right-aligned. Used by `funaudio list` and `funaudio sql`.
struct TextTable: Sendable {
    var columns: [String]
    var rows: [[String]]

    init(columns: [String], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    func rendered() -> String {
        let cells = rows.map { row in row.map { $0.replacingOccurrences(of: "\n", with: "⏎") } }
        var widths = columns.map(\.count)
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, value in
                let pad = String(repeating: " ", count: widths[i] - value.count)
                return Double(value) != nil ? pad + value : value + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = line(columns) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in cells { out += line(row) + "\n" }
        return out
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
