import Audio

/// Attention pictures: for each reference frame (up), the weight it gives each phoneme
/// (across), in decibels of the largest weight over a `rangeDB` range. A sharp alignment is a
/// bright diagonal; a blurred one is a wash of colour.
public struct AttentionPlot: Sendable {
    public var colormap: Colormap = .viridis
    public var rangeDB: Float = 40
    public var pixelsPerToken = 6
    public var pixelsPerFrame = 2

    public init(colormap: Colormap = .viridis, rangeDB: Float = 40, pixelsPerToken: Int = 6, pixelsPerFrame: Int = 2) {
        self.colormap = colormap; self.rangeDB = rangeDB
        self.pixelsPerToken = pixelsPerToken; self.pixelsPerFrame = pixelsPerFrame
    }

    /// The picture of `weights[t·frames + f]`, the weight of token `t` at reference frame `f`
    /// (token-major, as the synthesizer returns them).
    public func image(weights: [Float], tokens: Int, frames: Int) throws -> RGBImage {
        try ReportError.requirePicture(tokens > 0 && frames > 0 && weights.count == tokens * frames,
                                       "attention of \(tokens) tokens × \(frames) frames needs that many weights, got \(weights.count)")
        // Drawn as SpectrogramPlot draws any power grid: rows up, columns across, in dB.
        var grid = Spectrogram(rows: frames, frames: tokens)
        for t in 0..<tokens {
            for f in 0..<frames { grid[f, t] = weights[t * frames + f] }
        }
        return try SpectrogramPlot(colormap: colormap, topDB: rangeDB, pixelsPerFrame: pixelsPerToken,
                                   pixelsPerRow: pixelsPerFrame).image(grid)
    }
}
