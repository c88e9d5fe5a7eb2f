import Foundation
import Testing
@testable import NN

@Suite struct SafetensorsTests {
    let temporary = FileManager.default.temporaryDirectory
        .appendingPathComponent("nn-safetensors-\(UUID().uuidString).safetensors")

    @Test func roundTripKeepsNamesShapesValuesAndMetadata() throws {
        let arrays = [
            "encoder.layers.0.self_attn.in_proj_weight": NamedArray(shape: [3, 2], values: [1, -2, 3.5, 0, .pi, -1e-30]),
            "scalar": NamedArray(shape: [], values: [42]),
            "empty": NamedArray(shape: [0, 4], values: []),
        ]
        defer { try? FileManager.default.removeItem(at: temporary) }
        try Safetensors.write(arrays, metadata: ["format": "pt", "note": "quote \" and \\"], to: temporary)
        let (read, metadata) = try Safetensors.read(temporary)
        #expect(read == arrays)
        #expect(metadata == ["format": "pt", "note": "quote \" and \\"])
    }

    @Test func readsHuggingFaceDTypesAsFloat() throws {
        let (arrays, metadata) = try Safetensors.read(fixtureURL("mixed_dtypes"))
        #expect(metadata == ["format": "pt"])
        let expected: [Float] = [0, 1, -2.5, 65504, 6.1035e-05, 3.0e-07]
        #expect(arrays["weight.f32"] == NamedArray(shape: [2, 3], values: expected))
        // F16: 6.1035e-05 is about the smallest normal, 3e-7 a subnormal (rounded by F16).
        let f16 = try #require(arrays["weight.f16"])
        #expect(f16.shape == [2, 3])
        #expect(f16.values[..<4] == expected[..<4])
        #expect(abs(f16.values[4] - 6.1035e-05) < 1e-8)
        #expect(abs(f16.values[5] - 3.0e-07) < 3e-8)
        // BF16 keeps 8 bits of mantissa: 65504 rounds to 65536.
        let bf16 = try #require(arrays["weight.bf16"])
        #expect(bf16.values[..<3] == expected[..<3])
        #expect(bf16.values[3] == 65536)
        #expect(zip(bf16.values, expected).allSatisfy { abs($0 - $1) <= abs($1) / 128 })
        #expect(arrays["empty"] == NamedArray(shape: [0, 3], values: []))
    }

    @Test func writesTheSameBytesAsPython() throws {
        let python = try Data(contentsOf: fixtureURL("python_f32"))
        let swift = try Safetensors.encode([
            "b": NamedArray(shape: [2, 3], values: [0, 1, 2, 3, 4, 5]),
            "a": NamedArray(shape: [1], values: [1.5]),
            "layers.0.weight": NamedArray(shape: [1, 2], values: [-1, 0.25]),
            "scalar": NamedArray(shape: [], values: [7]),
        ], metadata: ["format": "pt"])
        #expect(swift == python)
    }

    @Test func rejectsTruncatedFiles() throws {
        let good = try Safetensors.encode(["w": NamedArray(shape: [4], values: [1, 2, 3, 4])])
        let tooShort = #expect(throws: SafetensorsError.self) { try Safetensors.decode(good.prefix(5), file: "t") }
        #expect(tooShort?.description.contains("truncated") == true)
        let noHeader = #expect(throws: SafetensorsError.self) { try Safetensors.decode(good.prefix(20), file: "t") }
        #expect(noHeader?.description.contains("header length") == true)
        let noData = #expect(throws: SafetensorsError.self) { try Safetensors.decode(good.dropLast(4), file: "t") }
        #expect(noData?.description.contains("'w'") == true)
        #expect(noData?.description.contains("out of range") == true)
    }

    @Test func rejectsBadHeaders() throws {
        func file(_ header: String, dataBytes: Int = 0) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(header.utf8))
            data.append(Data(count: dataBytes))
            return data
        }
        let cases: [(String, Int, String)] = [
            ("{not json", 0, "not valid JSON"),
            ("[1, 2]", 0, "not a JSON object"),
            (#"{"w":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, 8, "dtype C64"),
            (#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, "needs 12 bytes"),
            (#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 8, "out of range"),
            (#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, 4, "needs dtype, shape"),
            (#"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#, 0, "too large"),
        ]
        for (header, bytes, message) in cases {
            let error = #expect(throws: SafetensorsError.self) { try Safetensors.decode(file(header, dataBytes: bytes), file: "bad.safetensors") }
            #expect(error?.description.contains(message) == true, "\(header): \(String(describing: error))")
            #expect(error?.description.contains("bad.safetensors") == true)
        }
    }

    @Test func reportsAMissingFile() {
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(temporary) }
        #expect(error?.description.contains(temporary.path) == true)
    }

    @Test func readsIntegerBuffersAsFloats() throws {
        // Hugging Face checkpoints keep `position_ids` as I64 beside the F32 weights.
        let header = #"{"ids":{"dtype":"I64","shape":[3],"data_offsets":[0,24]},"w":{"dtype":"F32","shape":[1],"data_offsets":[24,28]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for v in [Int64(0), 1, -511] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        withUnsafeBytes(of: Float(2.5).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        let arrays = try Safetensors.decode(data, file: "ids.safetensors").arrays
        #expect(arrays["ids"]?.values == [0, 1, -511])
        #expect(arrays["w"]?.values == [2.5])
    }
}
