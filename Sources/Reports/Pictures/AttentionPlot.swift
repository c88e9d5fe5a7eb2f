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

    /// An aligner's soft attention `alignment[f·phonemes + n]` (frame-major) with its hard
    /// path drawn over it: frame `f` of phoneme `n` under `durations` gets a red mark (a colour
    /// viridis never takes) in the middle of its cell, so a reader sees whether the hard path
    /// follows the bright ridge.
    public func image(alignment: [Float], phonemes: Int, frames: Int, path durations: [Int]) throws -> RGBImage {
        try ReportError.requirePicture(alignment.count == phonemes * frames && durations.count == phonemes
                                       && durations.reduce(0, +) == frames,
                                       "an alignment of \(phonemes) phonemes × \(frames) frames needs that many weights and one duration per phoneme summing to the frames, got \(alignment.count) weights and durations \(durations.count) summing to \(durations.reduce(0, +))")
        var weights = [Float](repeating: 0, count: alignment.count)
        for f in 0..<frames {
            for n in 0..<phonemes { weights[n * frames + f] = alignment[f * phonemes + n] }
        }
        var picture = try image(weights: weights, tokens: phonemes, frames: frames)
        var f = 0
        for (n, duration) in durations.enumerated() {
            for _ in 0..<duration {
                let y = (frames - 1 - f) * pixelsPerFrame + pixelsPerFrame / 2
                let x = n * pixelsPerToken + pixelsPerToken / 2
                for dx in max(0, x - 1)...min(picture.width - 1, x) { picture[dx, y] = (255, 0, 0) }
                f += 1
            }
        }
        return picture
    }
}
