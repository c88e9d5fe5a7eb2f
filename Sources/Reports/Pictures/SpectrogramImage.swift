import Audio
import Foundation

/// Spectrogram pictures: decibels through a colormap, low frequencies at the bottom, time to
/// the right, optionally with labelled time and frequency axes.
///
/// Values are power (`|X|²`, or a mel spectrogram of it), shown as
/// `10·log10(x / peak)` clipped to `[-topDB, 0]` dB and mapped linearly onto the colormap.
public struct SpectrogramPlot: Sendable {
    /// What the axes label: the time of a frame and the frequency of each row.
    public struct Axes: Sendable {
        /// Seconds between frames (`hop / sample_rate`).
        public var secondsPerFrame: Double
        /// Frequency in Hz of each row, lowest first (`MelFilterbank.centerFrequencies`, or
        /// `k·sr/n_fft` for linear bins).
        public var rowFrequencies: [Double]

        public init(secondsPerFrame: Double, rowFrequencies: [Double]) {
            self.secondsPerFrame = secondsPerFrame; self.rowFrequencies = rowFrequencies
        }

        /// The axes of what `mel` computes: its hop in seconds and its bands' centres.
        public init(of mel: MelSpectrogram) {
            self.init(secondsPerFrame: Double(mel.stft.hopLength) / Double(mel.filterbank.sampleRate),
                      rowFrequencies: mel.filterbank.centerFrequencies)
        }
    }

    public var colormap: Colormap = .magma
    public var topDB: Float = 80
    public var pixelsPerFrame = 2
    public var pixelsPerRow = 2
    public var axes: Axes?

    public init(colormap: Colormap = .magma, topDB: Float = 80, pixelsPerFrame: Int = 2,
                pixelsPerRow: Int = 2, axes: Axes? = nil) {
        self.colormap = colormap; self.topDB = topDB
        self.pixelsPerFrame = pixelsPerFrame; self.pixelsPerRow = pixelsPerRow; self.axes = axes
    }

    static let labelScale = 2, gap = 6
    private var left: Int { axes == nil ? 0 : 44 }
    private var bottom: Int { axes == nil ? 0 : 24 }
    private var margin: Int { axes == nil ? 0 : 6 }

    /// One spectrogram.
    public func image(_ spectrogram: Spectrogram) throws -> RGBImage {
        try image(panels: [spectrogram])
    }

    /// Prediction above ground truth, on one decibel scale (0 dB = the louder peak of the two)
    /// so equal colours mean equal levels.
    public func image(prediction: Spectrogram, groundTruth: Spectrogram) throws -> RGBImage {
        guard prediction.rows == groundTruth.rows else {
            throw ReportError.picture("a spectrogram pair needs the same rows, got prediction \(prediction.rows) and ground truth \(groundTruth.rows)")
        }
        return try image(panels: [prediction, groundTruth])
    }

    private func image(panels: [Spectrogram]) throws -> RGBImage {
        let rows = panels[0].rows, frames = panels.map(\.frames).max()!
        guard rows > 0, frames > 0 else { throw ReportError.picture("cannot draw an empty spectrogram (\(rows)×\(frames))") }
        try ReportError.requirePicture(pixelsPerFrame >= 1 && pixelsPerRow >= 1, "pixels per frame/row \(pixelsPerFrame)/\(pixelsPerRow) must be at least 1")
        try ReportError.requirePicture(topDB > 0, "top_db \(topDB) must be positive")
        if let axes {
            try ReportError.requirePicture(axes.rowFrequencies.count == rows,
                                           "\(axes.rowFrequencies.count) row frequencies given for \(rows) rows; need one per row")
        }
        let panelWidth = frames * pixelsPerFrame, panelHeight = rows * pixelsPerRow
        let height = margin + panels.count * panelHeight + (panels.count - 1) * Self.gap + bottom
        var image = RGBImage(width: left + panelWidth + margin, height: height)
        let peak = panels.compactMap { $0.values.max() }.max()!
        for (index, panel) in panels.enumerated() {
            let top = margin + index * (panelHeight + Self.gap)
            let db = panel.decibels(reference: peak, topDB: nil)
            for row in 0..<rows {
                let y0 = top + (rows - 1 - row) * pixelsPerRow   // low frequencies at the bottom
                for frame in 0..<panel.frames {
                    // All-silent input (peak 0) is drawn at the bottom of the scale.
                    let color = peak > 0 ? colormap.color(1 + max(db[row, frame], -topDB) / topDB) : colormap.color(0)
                    for dy in 0..<pixelsPerRow {
                        for dx in 0..<pixelsPerFrame { image[left + frame * pixelsPerFrame + dx, y0 + dy] = color }
                    }
                }
            }
            if let axes { drawFrequencyAxis(axes, top: top, rows: rows, into: &image) }
        }
        if let axes { drawTimeAxis(axes, frames: frames, y: height - bottom, into: &image) }
        return image
    }

    private func drawFrequencyAxis(_ axes: Axes, top: Int, rows: Int, into image: inout RGBImage) {
        let f = axes.rowFrequencies
        var lastY = Int.max
        for hz in [0.0, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000] where hz >= f[0] - 1 && hz <= f[rows - 1] + 1 {
            let row = f.indices.min { abs(f[$0] - hz) < abs(f[$1] - hz) }!
            let y = top + (rows - 1 - row) * pixelsPerRow + pixelsPerRow / 2
            guard lastY - y >= 14 else { continue }   // keep labels apart
            lastY = y
            for x in (left - 4)..<left { image.plot(x, y, (0, 0, 0)) }
            let text = hz >= 1000 ? "\(Int(hz / 1000))k" : "\(Int(hz))"
            let x = left - 6 - BitmapFont.width(of: text, scale: Self.labelScale)
            BitmapFont.draw(text, x: x, y: y - 5, scale: Self.labelScale) { image.plot($0, $1, (0, 0, 0)) }
        }
        BitmapFont.draw("Hz", x: 2, y: top, scale: Self.labelScale) { image.plot($0, $1, (0, 0, 0)) }
    }

    private func drawTimeAxis(_ axes: Axes, frames: Int, y: Int, into image: inout RGBImage) {
        let seconds = Double(frames) * axes.secondsPerFrame
        let steps = [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300]
        let maxTicks = max(1, frames * pixelsPerFrame / 48)
        let step = steps.first { seconds / $0 <= Double(maxTicks) } ?? steps.last!
        var t = 0.0
        while t <= seconds + 1e-9 {
            let x = left + Int((t / axes.secondsPerFrame).rounded()) * pixelsPerFrame
            for dy in 0..<4 { image.plot(x, y + dy, (0, 0, 0)) }
            let text = (step < 1 ? String(format: "%g", (t * 100).rounded() / 100) : "\(Int(t.rounded()))") + "s"
            let width = BitmapFont.width(of: text, scale: Self.labelScale)
            let textX = min(max(0, x - width / 2), image.width - width)
            BitmapFont.draw(text, x: textX, y: y + 7, scale: Self.labelScale) { image.plot($0, $1, (0, 0, 0)) }
            t += step
        }
    }
}
