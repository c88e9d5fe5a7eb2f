/// How a metric key is read for display: `train/loss` and `val/loss` (or `train.loss` and
/// `val.loss`) are the training and validation splits of one quantity, `loss`, drawn in one
/// chart.
public struct MetricKey: Sendable, Hashable {
    /// The split prefix if the key has a known one (`train`, `val`, `eval`, …), else nil.
    public let split: String?
    /// The quantity: the key without its split prefix.
    public let quantity: String

    static let splits: Set<String> = ["train", "training", "val", "valid", "validation",
                                      "eval", "evaluation", "test", "dev"]

    public init(_ key: String) {
        if let slash = key.firstIndex(where: { $0 == "/" || $0 == "." }),
           Self.splits.contains(key[..<slash].lowercased()),
           key.index(after: slash) < key.endIndex {
            split = String(key[..<slash])
            quantity = String(key[key.index(after: slash)...])
        } else {
            split = nil
            quantity = key
        }
    }

    /// Whether a larger value is better: accuracies and quality scores are, losses and
    /// errors are not. Decided from the quantity's name; losses are the default.
    public var higherIsBetter: Bool {
        let name = quantity.lowercased()
        return ["acc", "score", "mos", "snr", "pesq", "stoi", "f1", "bleu", "precision",
                "recall", "similarity"].contains(where: name.contains)
    }

    /// Training splits are drawn solid, the others dashed.
    var isTraining: Bool { split.map { $0.lowercased().hasPrefix("train") } ?? true }
}

/// Final and best value of one series, over all its finite points.
struct SeriesSummary {
    let key: String
    let points: Int
    let finalStep: Int?
    let finalValue: Double?
    let bestValue: Double?
    let bestStep: Int?

    init(_ series: MetricSeries) {
        key = series.key
        points = series.values.count
        let higher = MetricKey(series.key).higherIsBetter
        var last: Int?
        var best: Int?
        for i in series.values.indices where series.values[i].isFinite {
            last = i
            if let b = best {
                if higher ? series.values[i] > series.values[b] : series.values[i] < series.values[b] {
                    best = i
                }
            } else {
                best = i
            }
        }
        finalStep = last.map { series.steps[$0] }
        finalValue = last.map { series.values[$0] }
        bestStep = best.map { series.steps[$0] }
        bestValue = best.map { series.values[$0] }
    }
}
