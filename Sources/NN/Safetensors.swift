import Foundation

/// An n-d array of Float32 values as stored in a checkpoint: a shape and its values in
/// row-major order. The exchange type between safetensors files and tensors.
public struct NamedArray: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        nnCheck(shape.reduce(1, *) == values.count,
                     "NamedArray: shape \(shape) holds \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }
}

/// A failure to read or write a safetensors file, with the file and what to do.
public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public var description: String

    init(_ file: String, _ message: String) {
        description = "safetensors \(file): \(message)"
    }
}

/// The element types a safetensors header may name that FunAudio reads. F16 and BF16 (the
/// usual Hugging Face checkpoint types) and F64 are converted to Float32 on load.
enum SafetensorsDType: String {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
    /// Integer buffers (Hugging Face stores `position_ids` as I64) read as Float: exact up to 2²⁴.
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    var byteCount: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16, .i16: 2
        case .i8, .u8, .bool: 1
        }
    }
}

/// The safetensors format (https://github.com/huggingface/safetensors):
///
///     [8 bytes: header length N, little-endian UInt64]
///     [N bytes: JSON {"__metadata__": {String: String},
///                     name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}]
///     [data: raw little-endian values; offsets are relative to the end of the header]
///
/// `write` emits F32 only, names sorted, data packed in that order, and the header padded
/// with spaces to a multiple of 8 bytes, byte for byte what Python's `safetensors` writes.
public enum Safetensors {
    /// Reads every tensor in the file at `url` (memory-mapped), converting to Float32.
    public static func read(_ url: URL) throws -> (arrays: [String: NamedArray], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafetensorsError(url.path, "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, file: url.path)
    }

    /// Writes `arrays` as F32 with optional string `metadata`, replacing any file at `url`.
    public static func write(_ arrays: [String: NamedArray], metadata: [String: String] = [:],
                             to url: URL) throws {
        do {
            try encode(arrays, metadata: metadata).write(to: url, options: .atomic)
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError(url.path, "cannot write the file (\(error.localizedDescription))")
        }
    }

    /// The bytes of a safetensors file holding `arrays` as F32.
    public static func encode(_ arrays: [String: NamedArray], metadata: [String: String] = [:]) throws -> Data {
        let names = arrays.keys.sorted()
        var header = "{"
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            header += "\"__metadata__\":{\(pairs.joined(separator: ","))}"
        }
        var offset = 0
        for name in names {
            if name == "__metadata__" {
                throw SafetensorsError("<encode>", "a tensor may not be called __metadata__")
            }
            let array = arrays[name]!
            let end = offset + array.values.count * 4
            if header.count > 1 { header += "," }
            header += "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(array.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var out = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for name in names {
            arrays[name]!.values.withUnsafeBufferPointer { values in
                #if _endian(big)
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                #else
                out.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress!)
                    .assumingMemoryBound(to: UInt8.self), count: values.count * 4))
                #endif
            }
        }
        return out
    }

    /// Parses the bytes of a safetensors file; `file` names it in errors.
    public static func decode(_ data: Data, file: String = "<memory>") throws -> (arrays: [String: NamedArray], metadata: [String: String]) {
        guard data.count >= 8 else {
            throw SafetensorsError(file, "truncated: \(data.count) bytes, fewer than the 8-byte header length")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw SafetensorsError(file, "truncated: header length \(headerLength) but only \(data.count - 8) bytes follow")
        }
        let dataStart = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
        } catch {
            throw SafetensorsError(file, "the header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else {
            throw SafetensorsError(file, "the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        var arrays: [String: NamedArray] = [:]
        let dataCount = data.count - dataStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else {
                    throw SafetensorsError(file, "__metadata__ is not an object")
                }
                for (k, v) in dict {
                    guard let s = v as? String else {
                        throw SafetensorsError(file, "__metadata__[\(k)] is not a string")
                    }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = (entry["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  shape.count == (entry["shape"] as? [Any])?.count,
                  let offsets = (entry["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2
            else {
                throw SafetensorsError(file, "tensor '\(name)': the entry needs dtype, shape and data_offsets [begin, end]")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw SafetensorsError(file, "tensor '\(name)': dtype \(dtypeName) is not supported (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError(file, "tensor '\(name)': negative dimension in shape \(shape)")
            }
            // Checked products: the header is untrusted, and unchecked builds would wrap around.
            let count = shape.reduce(Int?(1)) { product, dimension in
                product.flatMap { $0.multipliedReportingOverflow(by: dimension) }.flatMap { $0.overflow ? nil : $0.partialValue }
            }
            guard let count, !count.multipliedReportingOverflow(by: dtype.byteCount).overflow else {
                throw SafetensorsError(file, "tensor '\(name)': shape \(shape) is too large")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataCount else {
                throw SafetensorsError(file, "tensor '\(name)': data_offsets [\(begin), \(end)] out of range (data section is \(dataCount) bytes)")
            }
            guard end - begin == count * dtype.byteCount else {
                throw SafetensorsError(file, "tensor '\(name)': shape \(shape) of \(dtypeName) needs \(count * dtype.byteCount) bytes, data_offsets give \(end - begin)")
            }
            let values = data.withUnsafeBytes { raw in
                convert(UnsafeRawBufferPointer(rebasing: raw[(dataStart + begin)..<(dataStart + end)]),
                        dtype: dtype, count: count)
            }
            arrays[name] = NamedArray(shape: shape, values: values)
        }
        return (arrays, metadata)
    }

    /// Little-endian `dtype` values to Float32.
    static func convert(_ bytes: UnsafeRawBufferPointer, dtype: SafetensorsDType, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case .f32:
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self)))
                }
            case .f64:
                for i in 0..<count {
                    out[i] = Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))))
                }
            case .bf16:
                for i in 0..<count {
                    let bits = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
                    out[i] = Float(bitPattern: UInt32(bits) << 16)
                }
            case .f16:
                for i in 0..<count {
                    out[i] = halfToFloat(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
                }
            case .i64:
                for i in 0..<count {
                    out[i] = Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 8, as: Int64.self)))
                }
            case .i32:
                for i in 0..<count {
                    out[i] = Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 4, as: Int32.self)))
                }
            case .i16:
                for i in 0..<count {
                    out[i] = Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: i &* 2, as: Int16.self)))
                }
            case .i8:
                for i in 0..<count { out[i] = Float(bytes.load(fromByteOffset: i, as: Int8.self)) }
            case .u8, .bool:
                for i in 0..<count { out[i] = Float(bytes[i]) }
            }
            initialized = count
        }
    }

    /// IEEE 754 binary16 to binary32, exactly (subnormals, infinities and NaN included).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
        }
    }

    /// A JSON string literal for `s`, by Foundation's encoder; slashes stay unescaped, as in
    /// the headers Python's `safetensors` writes.
    static func jsonString(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try! encoder.encode(s), as: UTF8.self)  // a String always encodes
    }
}
