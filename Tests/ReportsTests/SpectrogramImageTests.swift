import Audio
import Foundation
import Testing
@testable import Reports

private func temporaryPNG() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-\(UUID().uuidString).png").path
}

/// A loud low band and silence elsewhere: decoded back from the PNG, the low rows (at the
/// bottom) are magma's brightest colour and the rest its darkest.
@Test func spectrogramPNGPutsLowFrequenciesAtTheBottom() throws {
    var spectrogram = Spectrogram(rows: 10, frames: 4)
    for frame in 0..<4 { spectrogram[0, frame] = 1; spectrogram[1, frame] = 1 }
    let path = temporaryPNG()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try SpectrogramPlot(pixelsPerFrame: 3, pixelsPerRow: 2).image(spectrogram).writePNG(to: path)
    let image = try RGBImage.readPNG(from: path)
    #expect(image.width == 12 && image.height == 20)
    let brightest = Colormap.magma.color(1), darkest = Colormap.magma.color(0)
    #expect(image[0, 19] == brightest && image[11, 16] == brightest)
    #expect(image[0, 0] == darkest && image[11, 15] == darkest)
    #expect(brightest == (252, 253, 191) && darkest == (0, 0, 4))
}

/// Prediction over ground truth on one dB scale, with axes: the picture has the margins and
/// labels (dark pixels in the white left margin) and each panel where it should be.
@Test func spectrogramPairWithAxes() throws {
    let groundTruth = Spectrogram(rows: 20, frames: 50, values: [Float](repeating: 1, count: 1000))
    let prediction = Spectrogram(rows: 20, frames: 50, values: [Float](repeating: 1e-4, count: 1000))
    let axes = SpectrogramPlot.Axes(secondsPerFrame: 256.0 / 22050,
                                    rowFrequencies: (0..<20).map { Double($0) * 500 })
    let plot = SpectrogramPlot(colormap: .viridis, axes: axes)
    let path = temporaryPNG()
    defer { try? FileManager.default.removeItem(atPath: path) }
    try plot.image(prediction: prediction, groundTruth: groundTruth).writePNG(to: path)
    let image = try RGBImage.readPNG(from: path)
    // 44 px labels + 100 px of frames + 6; 6 + 40 + 6 (gap) + 40 + 24 px time axis.
    #expect(image.width == 150 && image.height == 116)
    // Prediction is 40 dB below the shared peak: half-way up the 80 dB colormap.
    #expect(image[60, 20] == Colormap.viridis.color(0.5))
    #expect(image[60, 70] == Colormap.viridis.color(1))
    let labelPixels = (0..<40).flatMap { x in (0..<116).map { (x, $0) } }.filter { image[$0.0, $0.1] == (0, 0, 0) }
    #expect(labelPixels.count > 50, "frequency labels are drawn in the left margin")
    let timeAxis = (44..<150).flatMap { x in (96..<116).map { (x, $0) } }.filter { image[$0.0, $0.1] == (0, 0, 0) }
    #expect(timeAxis.count > 30, "time labels are drawn under the bottom panel")
    #expect(throws: ReportError.self) { try plot.image(prediction: Spectrogram(rows: 3, frames: 2), groundTruth: groundTruth) }
}

@Test func silenceIsDrawnDark() throws {
    let image = try SpectrogramPlot(pixelsPerFrame: 1, pixelsPerRow: 1).image(Spectrogram(rows: 4, frames: 4))
    #expect(image[0, 0] == Colormap.magma.color(0) && image[3, 3] == Colormap.magma.color(0))
}

@Test func readingAMissingPNGFails() {
    #expect(throws: ReportError.self) { try RGBImage.readPNG(from: "/nonexistent/x.png") }
}
