extension Collection where Element: FloatingPoint {
    /// The median (mean of the middle two for an even count); nil when empty. Published
    /// speech figures quote medians over sentences: a few failed sentences move a mean.
    public var median: Element? {
        guard !isEmpty else { return nil }
        let sorted = self.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The arithmetic mean; nil when empty (a measure never taken, not a zero).
    var mean: Element? {
        isEmpty ? nil : reduce(0, +) / Element(count)
    }
}
