import Foundation
import Tensor

/// How `STFT` extends the signal by `n_fft / 2` samples on each side when `center` is on.
public enum PadMode: String, Sendable, CaseIterable {
    /// Zeros (librosa 0.11's default).
    case constant
    /// Mirror images without repeating the edge sample (`numpy.pad(mode="reflect")`).
    case reflect
}

/// Short-time Fourier transform with librosa 0.11's conventions.
///
/// Frame `t` starts at sample `t·hop` of the (padded, if `center`) signal and is multiplied by
/// a periodic Hann window of `win_length` samples, `w[n] = 0.5 - 0.5·cos(2πn/win_length)`,
/// zero-padded to `n_fft` in the middle. Then `X[k, t] = Σ_n w[n]·x[t·hop + n]·exp(-2πi·nk/n_fft)`
/// for `k ≤ n_fft/2`, unnormalised. With `center`, the signal is padded by `n_fft/2` on both
/// sides, so frame `t` is centred on sample `t·hop`, and there are `1 + (len + 2·(n_fft/2) -
/// n_fft) / hop` frames.
///
/// Frames are transformed four at a time (one per SIMD lane, see `FFTLanes`), the batches
/// split across cores; each thread reuses one set of buffers (no allocation per frame).
public struct STFT: Sendable {
    public let nFFT: Int
    public let hopLength: Int
    public let winLength: Int
    public let center: Bool
    public let padMode: PadMode
    /// The analysis and synthesis window, `n_fft` samples.
    public let window: [Float]
    public let fft: RealFFT

    /// Frequency bins per frame, `n_fft/2 + 1`.
    public var bins: Int { nFFT / 2 + 1 }

    /// - Parameters: as librosa.stft: `hopLength` defaults to `winLength / 4`, `winLength` to
    ///   `nFFT`.
    public init(nFFT: Int = 2048, hopLength: Int? = nil, winLength: Int? = nil,
                center: Bool = true, padMode: PadMode = .constant) throws {
        let winLength = winLength ?? nFFT
        let hopLength = hopLength ?? winLength / 4
        try STFT.requireFFTSize(nFFT)
        try AudioError.require(winLength >= 1 && winLength <= nFFT, "win_length", winLength,
                               "must be between 1 and n_fft=\(nFFT)")
        try AudioError.require(hopLength >= 1, "hop_length", hopLength, "must be at least 1")
        self.nFFT = nFFT; self.hopLength = hopLength; self.winLength = winLength
        self.center = center; self.padMode = padMode
        window = hannWindow(winLength, paddedTo: nFFT)
        fft = try RealFFT(size: nFFT)
    }

    /// The largest `n_fft`, 2^20 (47 s at 22.05 kHz): beyond it the window and FFT tables
    /// alone would take gigabytes.
    public static let maxFFTSize = 1 << 20
    /// The most values (frames × bins) one STFT may produce, 2^28 (1 GiB of Float32, an
    /// hour of audio at hop 256): a tiny hop over a long file would exhaust memory.
    public static let maxValues = 1 << 28

    static func requireFFTSize(_ nFFT: Int) throws {
        try AudioError.require(nFFT >= 2 && nFFT <= maxFFTSize, "n_fft", nFFT, "must be between 2 and \(maxFFTSize)")
    }

    /// Number of frames for a signal of `length` samples (0 if it is too short).
    public func frameCount(signalLength length: Int) -> Int {
        let padded = center ? length + 2 * (nFFT / 2) : length
        return padded < nFFT ? 0 : 1 + (padded - nFFT) / hopLength
    }

    /// Checks that a signal of `length` samples can be analysed; the message names the limit.
    func validate(signalLength length: Int) throws {
        if length == 0 { throw AudioError("STFT of an empty signal (0 samples): nothing to analyse") }
        if !center && length < nFFT {
            throw AudioError("STFT without center needs at least n_fft=\(nFFT) samples, got \(length)")
        }
        if center && padMode == .reflect && length <= nFFT / 2 {
            throw AudioError("STFT with reflect padding needs more than n_fft/2=\(nFFT / 2) samples, got \(length); use pad mode constant")
        }
        let frames = frameCount(signalLength: length)
        if frames > Self.maxValues / bins {
            throw AudioError("STFT of \(length) samples at hop_length=\(hopLength) would hold \(frames) frames × \(bins) bins, "
                + "more than \(Self.maxValues) values; use a larger hop or a shorter signal")
        }
    }

    /// The complex STFT of `signal`, `bins × frames`.
    public func callAsFunction(_ signal: [Float]) throws -> ComplexSpectrogram {
        try validate(signalLength: signal.count)
        let workspace = Workspace(stft: self)
        var out = ComplexSpectrogram(uninitializedBins: bins, frames: frameCount(signalLength: signal.count))
        signal.withUnsafeBufferPointer { forward($0, into: &out, workspace: workspace) }
        return out
    }

    /// The signal whose STFT is closest to `spectrogram` in the least-squares sense
    /// (librosa.istft): inverse FFT of each frame, times the window, overlap-added, divided by
    /// the overlapped squared window `Σ_t w²[n - t·hop]` where that exceeds the smallest normal
    /// float. The result has `length` samples if given (cut or zero-padded), else
    /// `n_fft + hop·(frames-1)`, minus `2·(n_fft/2)` with `center`.
    public func inverse(_ spectrogram: ComplexSpectrogram, length: Int? = nil) throws -> [Float] {
        try AudioError.require(spectrogram.bins == bins, "bins", spectrogram.bins,
                               "the spectrogram must have n_fft/2+1=\(bins) bins for n_fft=\(nFFT)")
        try AudioError.require(spectrogram.frames > 0, "frames", 0, "must be at least 1")
        if let length { try AudioError.require(length > 0, "length", length, "must be positive") }
        let workspace = Workspace(stft: self)
        var out = [Float](repeating: 0, count: outputLength(frames: spectrogram.frames, length: length))
        out.withUnsafeMutableBufferPointer { inverse(spectrogram, into: $0, workspace: workspace) }
        return out
    }

    /// Output length of `inverse` for `frames` frames.
    public func outputLength(frames: Int, length: Int?) -> Int {
        length ?? nFFT + hopLength * (frames - 1) - (center ? 2 * (nFFT / 2) : 0)
    }
}
