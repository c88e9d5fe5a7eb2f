import Audio
import Testing
@testable import Reports

/// Attention pictures: reference frames up, phonemes across, weights in dB over 40 dB.
@Suite struct AttentionPlotTests {
    /// A diagonal alignment of 3 tokens over 6 frames (two frames each): the picture's
    /// bright cells climb from bottom left to top right; a weight 100× smaller (20 dB down)
    /// is half-way up viridis, anything below 40 dB down is its darkest colour.
    @Test func aDiagonalClimbsFromBottomLeft() throws {
        let (tokens, frames) = (3, 6)
        var weights = [Float](repeating: 0, count: tokens * frames)
        for t in 0..<tokens { weights[t * frames + 2 * t] = 1; weights[t * frames + 2 * t + 1] = 0.01 }
        let image = try AttentionPlot().image(weights: weights, tokens: tokens, frames: frames)
        #expect(image.width == 18 && image.height == 12)
        let (bright, half, dark) = (Colormap.viridis.color(1), Colormap.viridis.color(0.5), Colormap.viridis.color(0))
        // Token 0, frame 0: bottom left; token 2, frame 5: top right.
        #expect(image[0, 11] == bright && image[5, 10] == bright)
        #expect(image[0, 9] == half)
        #expect(image[17, 3] == bright && image[17, 1] == half)
        #expect(image[17, 11] == dark && image[0, 0] == dark)
    }

    @Test func weightsOfTheWrongCountAreRefused() {
        #expect(throws: ReportError.self) { try AttentionPlot().image(weights: [1, 2, 3], tokens: 2, frames: 2) }
        #expect(throws: ReportError.self) { try AttentionPlot().image(weights: [], tokens: 0, frames: 0) }
    }

    /// An aligner's attention (frame-major) with its hard path: each path cell gets a red
    /// mark in its middle, the rest is the attention as ``image(weights:tokens:frames:)`` draws it.
    @Test func theHardPathIsDrawnOverTheSoftAttention() throws {
        let (phonemes, frames) = (3, 4)
        let soft = [Float](repeating: 1 / 3, count: frames * phonemes)   // flat: every cell equally bright
        let image = try AttentionPlot().image(alignment: soft, phonemes: phonemes, frames: frames, path: [1, 2, 1])
        #expect(image.width == 18 && image.height == 8)
        let red: (UInt8, UInt8, UInt8) = (255, 0, 0), bright = Colormap.viridis.color(1)
        // Frame 0 (bottom row pair) on phoneme 0, frames 1–2 on phoneme 1, frame 3 on phoneme 2.
        #expect(image[3, 7] == red && image[2, 7] == red && image[9, 5] == red && image[9, 3] == red)
        #expect(image[15, 1] == red)
        #expect(image[9, 7] == bright && image[3, 1] == bright && image[3, 6] == bright)
        #expect(throws: ReportError.self) {
            try AttentionPlot().image(alignment: soft, phonemes: phonemes, frames: frames, path: [1, 1, 1])
        }
    }

    /// Axes for a mel analysis: its hop in seconds, its bands' centre frequencies.
    @Test func melAxesComeFromTheAnalysis() throws {
        let mel = try MelSpectrogram(sampleRate: 22050, nFFT: 1024, hopLength: 256, nMels: 80, fmax: 8000)
        let axes = SpectrogramPlot.Axes(of: mel)
        #expect(axes.secondsPerFrame == 256.0 / 22050)
        #expect(axes.rowFrequencies.count == 80 && axes.rowFrequencies == mel.filterbank.centerFrequencies)
    }
}
