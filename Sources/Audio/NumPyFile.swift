import Foundation

/// Writes float32 arrays as NumPy `.npy` files (format version 1.0) that `numpy.load` reads,
/// and reads them back.
///
/// Layout: the magic `\x93NUMPY`, version bytes 1 0, a little-endian UInt16 header length,
/// then an ASCII dict `{'descr': '<f4', 'fortran_order': False, 'shape': (…), }` padded with
/// spaces and a newline so the data starts at a multiple of 64 bytes, then the values in C
/// (row-major) order, little-endian.
public enum NumPyFile {
    /// Writes `values` with `shape` (its product must equal `values.count`) to `url`.
    public static func write(_ values: [Float], shape: [Int], to url: URL) throws {
        guard shape.reduce(1, *) == values.count else {
            throw AudioError("\(url.path): shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
        }
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xff), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBufferPointer { buffer in
            data.append(contentsOf: UnsafeRawBufferPointer(buffer))  // x86-64 and arm64 are little-endian
        }
        do {
            try StagedFile.write(to: url) { try data.write(to: $0) }
        } catch {
            throw AudioError("\(url.path): cannot write the .npy file (\(error.localizedDescription)); nothing was written")
        }
    }

    /// The shape and values of a little-endian float32, C-order `.npy` file (what `write`
    /// produces, and numpy.save of a float32 array).
    public static func read(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw AudioError("\(url.path): cannot read it (\(error.localizedDescription))")
        }
        let headerLength = data.count >= 10 ? Int(data[8]) | Int(data[9]) << 8 : 0
        let header = String(decoding: data.dropFirst(10).prefix(headerLength), as: UTF8.self)
        guard data.starts(with: [0x93] + Array("NUMPY".utf8)), header.contains("'descr': '<f4'"),
              header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw AudioError("\(url.path): not a float32 C-order .npy file") }
        let shape = header[open.upperBound..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let body = data.dropFirst(10 + headerLength)
        // The product without overflow: the header is untrusted.
        let count = shape.reduce(Int?(1)) { product, dimension in
            product.flatMap { dimension < 0 ? nil : $0.multipliedReportingOverflow(by: dimension) }
                .flatMap { $0.overflow ? nil : $0.partialValue }
        }
        guard body.count % 4 == 0, let count, count == body.count / 4 else {
            throw AudioError("\(url.path): holds \(body.count) bytes of values, not the float32 values of shape \(shape)")
        }
        let values = [Float](unsafeUninitializedCapacity: body.count / 4) { out, initialized in
            _ = body.copyBytes(to: out)
            initialized = body.count / 4
        }
        return (shape, values)
    }

    /// Writes a spectrogram as `frames × rows` (one row per frame, e.g. frames × mels), the
    /// layout feature files and TTS models use.
    public static func write(_ spectrogram: Spectrogram, to url: URL) throws {
        try write(spectrogram.framesMajor(), shape: [spectrogram.frames, spectrogram.rows], to: url)
    }
}
