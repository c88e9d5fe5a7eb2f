import Foundation
import Tensor

/// A real time–frequency matrix in librosa's layout: `rows × frames`, row-major, so row `r`
/// (a frequency bin or mel band, lowest first) is contiguous over frames.
public struct Spectrogram: Sendable, Equatable {
    /// Frequency bins or mel bands.
    public let rows: Int
    /// Time frames.
    public let frames: Int
    /// `values[row * frames + frame]`.
    public var values: [Float]

    public init(rows: Int, frames: Int, values: [Float]) {
        precondition(values.count == rows * frames, "values must hold rows * frames elements")
        self.rows = rows; self.frames = frames; self.values = values
    }

    public init(rows: Int, frames: Int) {
        self.init(rows: rows, frames: frames, values: [Float](repeating: 0, count: rows * frames))
    }

    public subscript(row: Int, frame: Int) -> Float {
        get { values[row * frames + frame] }
        set { values[row * frames + frame] = newValue }
    }

    /// The matrix transposed to `frames × rows` (one row per frame), as feature files store it.
    public func framesMajor() -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows {
            for f in 0..<frames { out[f * rows + r] = values[r * frames + f] }
        }
        return out
    }
}

/// A complex STFT in librosa's layout: `bins × frames`, row-major, real and imaginary parts
/// in separate arrays (`real[bin * frames + frame]`).
public struct ComplexSpectrogram: Sendable, Equatable {
    public let bins: Int
    public let frames: Int
    public var real: [Float]
    public var imag: [Float]

    public init(bins: Int, frames: Int) {
        self.bins = bins; self.frames = frames
        real = [Float](repeating: 0, count: bins * frames)
        imag = real
    }

    /// Storage the caller fills completely before reading (saves zeroing megabytes that are
    /// overwritten at once).
    init(uninitializedBins bins: Int, frames: Int) {
        self.bins = bins; self.frames = frames
        real = .uninitialized(bins * frames)
        imag = .uninitialized(bins * frames)
    }

    public init(bins: Int, frames: Int, real: [Float], imag: [Float]) {
        precondition(real.count == bins * frames && imag.count == bins * frames,
                     "real and imag must hold bins * frames elements")
        self.bins = bins; self.frames = frames; self.real = real; self.imag = imag
    }

    /// `|X|^power` elementwise: `power` 1 gives the magnitude, 2 the power spectrogram.
    public func magnitude(power: Float = 1) -> Spectrogram {
        var out = Spectrogram(rows: bins, frames: frames, values: .uninitialized(bins * frames))
        real.withUnsafeBufferPointer { re in
            imag.withUnsafeBufferPointer { im in
                out.values.withUnsafeMutableBufferPointer { o in
                    let (re, im, o) = (re.baseAddress!, im.baseAddress!, o.baseAddress!)
                    let count = bins * frames
                    Parallel.forChunks(count, minimumChunk: 1 << 16, chunksPerThread: 4) { _, range in
                        for i in range { o[i] = re[i] * re[i] + im[i] * im[i] }
                        if power == 1 {
                            for i in range { o[i] = o[i].squareRoot() }
                        } else if power != 2 {
                            for i in range { o[i] = powf(o[i], power / 2) }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Array where Element == Float {
    /// `count` floats left uninitialised, for outputs that are written in full at once.
    static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
