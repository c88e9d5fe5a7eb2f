import Foundation
import Testing
@testable import Reports

/// `RGBImage.pngData` gives in memory the bytes `writePNG` puts in a file.
@Suite struct InMemoryPNGTests {
    /// Every pixel different, so a stride or channel mix-up changes the picture.
    let image: RGBImage = {
        var image = RGBImage(width: 37, height: 11)
        for y in 0..<11 {
            for x in 0..<37 { image[x, y] = (UInt8(x * 7 % 256), UInt8(y * 23), UInt8((x + y) % 256)) }
        }
        return image
    }()

    @Test func bytesEqualTheFileAndDecodeToTheSamePixels() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("funaudio-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try image.writePNG(to: path)
        let bytes = try image.pngData()
        #expect(bytes == (try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(try RGBImage.readPNG(from: path) == image)
    }

    @Test func anEmptyImageIsAnError() {
        #expect(throws: ReportError.self) { try RGBImage(width: 0, height: 0).pngData() }
    }
}
