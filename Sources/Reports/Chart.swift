import Foundation

/// A line chart to draw: series over steps sharing one x and one y axis.
struct ChartInput {
    var title: String
    var series: [ChartSeriesInput]
    /// Shown under the chart; one entry per series when nil.
    var legend: [LegendEntry]?
}

struct ChartSeriesInput {
    var label: String
    var colour: Int
    var dashed: Bool
    var steps: [Int]
    var values: [Double]
}

struct LegendEntry {
    let label: String
    let colour: Int
    let dashed: Bool
}

/// A chart laid out for the `chart` template: SVG path data in page pixels for the linear
/// and (when every value is positive) the log scale, axis ticks, and per series the exact
/// step and value of every drawn point for the tooltip script.
struct ChartView {
    struct Tick {
        let position: String
        let label: String
    }

    struct Series {
        let label: String
        let colour: Int
        let dashed: Bool
        let linearPath: String
        let logPath: String?
        /// Space-separated steps and exact values of the drawn points.
        let steps: String
        let values: String
    }

    let id: String
    let title: String
    let width = ChartGeometry.width
    let height = ChartGeometry.height
    let left = ChartGeometry.left
    let right = ChartGeometry.width - ChartGeometry.right
    let top = ChartGeometry.top
    let bottom = ChartGeometry.height - ChartGeometry.bottom
    let xTicks: [Tick]
    let linearTicks: [Tick]
    let logTicks: [Tick]
    let logAvailable: Bool
    let series: [Series]
    let legend: [LegendEntry]
    let notes: [String]
    /// Step domain, for mapping the pointer back to a step.
    let xMin: Int
    let xMax: Int
    let empty: Bool
}

enum ChartGeometry {
    static let width = 760.0, height = 300.0
    static let left = 64.0, right = 16.0, top = 12.0, bottom = 42.0

    /// Points drawn per curve: at most 2,000, fewer when many curves share a chart (24,000
    /// in all, each point ~50 bytes of path and tooltip data), so a comparison of 100 runs
    /// stays under 2 MB; never fewer than 200 (100 stretches' lowest and highest).
    static func pointsPerCurve(curves: Int) -> Int {
        min(2000, max(200, 24_000 / max(curves, 1)))
    }
}

extension ChartView {
    init(id: String, input: ChartInput) {
        typealias G = ChartGeometry
        var series: [(ChartSeriesInput, [Int])] = []    // input and indices to draw
        var skipped = 0, largest = 0, drawn = 0
        let cap = G.pointsPerCurve(curves: input.series.count)
        for s in input.series {
            let finite = s.values.indices.filter { s.values[$0].isFinite }
            skipped += s.values.count - finite.count
            let kept = minMaxDownsample(finite.map { s.values[$0] }, threshold: cap).map { finite[$0] }
            largest = max(largest, finite.count)
            drawn = max(drawn, kept.count)
            series.append((s, kept))
        }

        let points = series.flatMap { s, kept in kept.map { (s.steps[$0], s.values[$0]) } }
        self.id = id
        self.title = input.title
        self.legend = input.legend ?? input.series.map {
            LegendEntry(label: $0.label, colour: $0.colour, dashed: $0.dashed)
        }
        guard let xLo = points.map(\.0).min(), let xHi = points.map(\.0).max(),
              let yLo = points.map(\.1).min(), let yHi = points.map(\.1).max() else {
            self.xTicks = []; self.linearTicks = []; self.logTicks = []
            self.logAvailable = false; self.series = []; self.xMin = 0; self.xMax = 0
            self.empty = true
            self.notes = skipped > 0 ? ["All \(skipped) values are NaN or infinite."] : []
            return
        }
        empty = false
        xMin = xLo
        xMax = xHi

        let xScale = Scale(lo: Double(xLo), hi: Double(xHi), from: G.left, to: G.width - G.right, pad: 0)
        let yScale = Scale(lo: yLo, hi: yHi, from: G.height - G.bottom, to: G.top, pad: 0.05)
        let logOK = yLo > 0
        let logScale = logOK
            ? Scale(lo: log10(yLo), hi: log10(yHi), from: G.height - G.bottom, to: G.top, pad: 0.05)
            : nil

        xTicks = niceTicks(Double(xLo), Double(xHi), minimumStep: 1).map {
            Tick(position: NumberText.short(xScale($0)), label: NumberText.short($0))
        }
        linearTicks = niceTicks(yScale.lo, yScale.hi).map {
            Tick(position: NumberText.short(yScale($0)), label: NumberText.short($0))
        }
        logTicks = logScale.map { scale in
            logTickValues(scale.lo, scale.hi).map {
                Tick(position: NumberText.short(scale(log10($0))), label: NumberText.short($0))
            }
        } ?? []
        logAvailable = logOK

        self.series = series.map { s, kept in
            var linear: [UInt8] = [], logarithmic: [UInt8] = []
            linear.reserveCapacity(kept.count * 12)
            func append(_ path: inout [UInt8], _ n: Int, _ x: Double, _ y: Double) {
                path.append(n == 0 ? UInt8(ascii: "M") : UInt8(ascii: " "))
                NumberText.appendTenths(x, to: &path)
                path.append(UInt8(ascii: ","))
                NumberText.appendTenths(y, to: &path)
            }
            for (n, i) in kept.enumerated() {
                let x = xScale(Double(s.steps[i]))
                append(&linear, n, x, yScale(s.values[i]))
                if let logScale { append(&logarithmic, n, x, logScale(log10(s.values[i]))) }
            }
            return Series(
                label: s.label, colour: s.colour, dashed: s.dashed,
                linearPath: String(decoding: linear, as: UTF8.self),
                logPath: logScale == nil ? nil : String(decoding: logarithmic, as: UTF8.self),
                steps: kept.map { String(s.steps[$0]) }.joined(separator: " "),
                values: kept.map { NumberText.exact(s.values[$0]) }.joined(separator: " "))
        }

        var notes: [String] = []
        if drawn < largest {
            notes.append("Drawn with \(drawn) of \(largest) points per curve (the lowest and highest of each stretch); "
                         + "point at a step for exact values.")
        }
        if skipped > 0 { notes.append("\(skipped) NaN or infinite values are not drawn.") }
        if !logOK { notes.append("No log scale: some values are zero or negative.") }
        self.notes = notes
    }
}

/// Linear map from a data range (padded by `pad` of its width on each side, and widened
/// when flat) onto a pixel range.
struct Scale {
    let lo: Double, hi: Double
    let from: Double, to: Double

    init(lo: Double, hi: Double, from: Double, to: Double, pad: Double) {
        var lo = lo, hi = hi
        if hi - lo <= abs(hi) * 1e-12 {
            let half = lo == 0 ? 1 : abs(lo) * 0.05
            lo -= half
            hi += half
        }
        let margin = (hi - lo) * pad
        self.lo = lo - margin
        self.hi = hi + margin
        self.from = from
        self.to = to
    }

    @inline(__always)
    func callAsFunction(_ v: Double) -> Double {
        from + (v - lo) / (hi - lo) * (to - from)
    }
}

/// About six round tick values (1, 2 or 5 × 10ⁿ apart) inside [lo, hi].
/// `minimumStep` keeps step axes on whole steps.
func niceTicks(_ lo: Double, _ hi: Double, count: Int = 6, minimumStep: Double = 0) -> [Double] {
    guard hi > lo else { return [lo] }
    let raw = max((hi - lo) / Double(count), minimumStep)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var ticks: [Double] = []
    var v = (lo / step).rounded(.up) * step
    while v <= hi + step * 1e-9 {
        ticks.append(abs(v) < step * 1e-9 ? 0 : v)
        v += step
    }
    return ticks
}

/// Ticks for a log axis over [10^lo, 10^hi]: powers of ten, with 2× and 5× when the range
/// spans fewer than two decades, and a plain linear set when it spans less than one.
func logTickValues(_ lo: Double, _ hi: Double) -> [Double] {
    let decades = hi - lo
    if decades < 1 {
        return niceTicks(pow(10, lo), pow(10, hi)).filter { $0 > 0 }
    }
    var ticks: [Double] = []
    for e in Int(floor(lo))...Int(ceil(hi)) {
        let multiples: [Double] = decades < 2 ? [1, 2, 5] : [1]
        for m in multiples {
            let v = m * pow(10, Double(e))
            if log10(v) >= lo - 1e-9 && log10(v) <= hi + 1e-9 { ticks.append(v) }
        }
    }
    return ticks
}
