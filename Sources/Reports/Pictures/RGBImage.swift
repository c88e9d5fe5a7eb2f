import Audio
import CPNG
import Foundation

/// An 8-bit RGB raster, rows top to bottom, written and read as PNG with libpng's
/// simplified API (`png_image_*`, which reports errors in `message` rather than by longjmp).
public struct RGBImage: Sendable, Equatable {
    public let width: Int, height: Int
    /// `pixels[3·(y·width + x) + channel]`.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for i in 0..<(width * height) { (pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]) = fill }
    }

    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        get { let i = 3 * (y * width + x); return (pixels[i], pixels[i + 1], pixels[i + 2]) }
        set { let i = 3 * (y * width + x); (pixels[i], pixels[i + 1], pixels[i + 2]) = newValue }
    }

    /// Sets (x, y) if it lies inside the image.
    mutating func plot(_ x: Int, _ y: Int, _ color: (UInt8, UInt8, UInt8)) {
        if x >= 0, y >= 0, x < width, y < height { self[x, y] = color }
    }

    /// The image encoded as PNG, in memory (`png_image_write_to_memory`): what a run stores
    /// as an artifact, with no file on the way.
    public func pngData() throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width); image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let stride = Int32(3 * width)
        let failure = { ReportError.picture("cannot encode a \(width)×\(height) PNG (\(Self.message(image)))") }
        return try pixels.withUnsafeBufferPointer { pixels in
            // A first call without a buffer asks for the size, the second encodes into it.
            var size: png_alloc_size_t = 0
            guard png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, nil) != 0 else {
                throw failure()
            }
            var bytes = [UInt8](repeating: 0, count: Int(size))
            let ok = bytes.withUnsafeMutableBufferPointer {
                png_image_write_to_memory(&image, $0.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
            guard ok != 0, Int(size) <= bytes.count else { throw failure() }
            return Data(bytes.prefix(Int(size)))
        }
    }

    /// Writes the image as a PNG at `path`, whole or not at all (``StagedFile``).
    public func writePNG(to path: String) throws {
        let data = try pngData()
        do {
            try StagedFile.write(to: URL(fileURLWithPath: path)) { try data.write(to: $0) }
        } catch {
            throw ReportError.picture("\(path): cannot write the PNG (\(error.localizedDescription)); nothing was written")
        }
    }

    public static func readPNG(from path: String) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            throw ReportError.picture("\(path): not a readable PNG (\(message(image)))")
        }
        image.format = UInt32(PNG_FORMAT_RGB)
        var out = RGBImage(width: Int(image.width), height: Int(image.height))
        let ok = out.pixels.withUnsafeMutableBufferPointer {
            png_image_finish_read(&image, nil, $0.baseAddress, Int32(3 * out.width), nil)
        }
        guard ok != 0 else { throw ReportError.picture("\(path): cannot decode the PNG (\(message(image)))") }
        return out
    }

    /// The libpng this process runs with (`png_get_libpng_ver`), recorded with every run.
    public static var libpngVersion: String { String(cString: png_get_libpng_ver(nil)) }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
