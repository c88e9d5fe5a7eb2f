import Foundation

/// The DFT of real signals of length `size`, batched over `FFTLanes` (one frame per lane):
///
///     X[k] = Σ_{n<N} x[n] · exp(-2πi·nk/N),  k = 0 ... N/2      (like numpy.fft.rfft)
///     x[n] = (1/N) Σ_{k<N} X[k] · exp(+2πi·nk/N)                  (like numpy.fft.irfft)
///
/// Even sizes pack the signal into a complex one of half the length, `z[m] = x[2m] + i·x[2m+1]`,
/// and untangle `Z = DFT_{N/2}(z)` into the even and odd parts' transforms `E`, `O`:
///
///     E[k] = (Z[k] + conj Z[N/2-k]) / 2,  O[k] = -i (Z[k] - conj Z[N/2-k]) / 2
///     X[k] = E[k] + exp(-2πi·k/N) · O[k]
///
/// which halves the work of a complex FFT. Odd sizes use a complex FFT of the full length.
public struct RealFFT: Sendable {
    /// Signal length N.
    public let size: Int
    /// Number of output bins, N/2 + 1.
    public var bins: Int { size / 2 + 1 }
    private let complex: ComplexFFT
    /// exp(-2πi·k/N) for k ≤ N/2 (even sizes only).
    private let unpackRe: [Float], unpackIm: [Float]

    public init(size: Int) throws {
        try AudioError.require(size >= 2, "n_fft", size, "must be at least 2")
        self.size = size
        let packed = size % 2 == 0
        complex = ComplexFFT(size: packed ? size / 2 : size)
        let count = packed ? size / 2 + 1 : 0
        unpackRe = (0..<count).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        unpackIm = (0..<count).map { Float(-sin(2 * Double.pi * Double($0) / Double(size))) }
    }

    /// Scratch buffers for one thread; `input` holds the signal lanes, `re`/`im` the bins.
    public func makeBuffers() -> Buffers { Buffers(fft: self) }

    /// Per-thread working memory, allocated once and reused for every batch of frames.
    public final class Buffers {
        /// `size` lanes: the time-domain frames (input of `forward`, output of `inverse`).
        public let signal: UnsafeMutablePointer<FFTLanes>
        /// `bins` lanes each: the spectrum (output of `forward`, input of `inverse`).
        public let re: UnsafeMutablePointer<FFTLanes>, im: UnsafeMutablePointer<FFTLanes>
        let zr: UnsafeMutablePointer<FFTLanes>, zi: UnsafeMutablePointer<FFTLanes>
        let sr: UnsafeMutablePointer<FFTLanes>, si: UnsafeMutablePointer<FFTLanes>
        private let storage: UnsafeMutablePointer<FFTLanes>, count: Int
        /// The transform size these buffers were made for.
        let size: Int

        init(fft: RealFFT) {
            size = fft.size
            let n = fft.complex.size, scratch = fft.complex.scratchCount
            count = fft.size + 2 * fft.bins + 2 * n + 2 * scratch
            storage = .allocate(capacity: count)
            storage.initialize(repeating: FFTLanes(), count: count)
            signal = storage
            re = signal + fft.size; im = re + fft.bins
            zr = im + fft.bins; zi = zr + n
            sr = zi + n; si = sr + scratch
        }

        deinit { storage.deallocate() }
    }

    /// `buffers.signal` → `buffers.re`, `buffers.im`.
    public func forward(_ b: Buffers) {
        precondition(b.size == size, "buffers of a size-\(b.size) FFT used with a size-\(size) one")
        let (x, zr, zi) = (b.signal, b.zr, b.zi)
        if size % 2 == 1 {
            zr.update(from: x, count: size)
            zi.update(repeating: FFTLanes(), count: size)
            complex.forward(zr, zi, b.sr, b.si)
            b.re.update(from: zr, count: bins)
            b.im.update(from: zi, count: bins)
            return
        }
        for j in 0..<(size / 2) {
            zr[j] = x[2 &* j]; zi[j] = x[2 &* j &+ 1]
        }
        forwardPacked(b)
    }

    /// Even sizes only: the forward transform of the signal already packed into
    /// `buffers.zr[m] = x[2m]`, `buffers.zi[m] = x[2m+1]` (callers that build the frames can
    /// write them there directly and skip a pass over `signal`).
    func forwardPacked(_ b: Buffers) {
        let (zr, zi, m) = (b.zr, b.zi, size / 2)
        complex.forward(zr, zi, b.sr, b.si)
        let (re, im) = (b.re, b.im)
        re[0] = zr[0] + zi[0]; im[0] = FFTLanes()
        re[m] = zr[0] - zi[0]; im[m] = FFTLanes()
        unpackRe.withUnsafeBufferPointer { wr in
            unpackIm.withUnsafeBufferPointer { wi in
                for k in 1..<max(1, m) {
                    let ar = zr[k], ai = zi[k]
                    let br = zr[m &- k], bi = -zi[m &- k]          // conj Z[m-k]
                    let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
                    let orr = 0.5 * (ai - bi), oi = -0.5 * (ar - br)   // -i(a - b)/2
                    let c = wr[k], s = wi[k]
                    re[k] = er + orr * c - oi * s
                    im[k] = ei + orr * s + oi * c
                }
            }
        }
    }

    /// `buffers.re`, `buffers.im` → `buffers.signal`, normalised by 1/N. The imaginary parts
    /// of the DC and (even N) Nyquist bins are ignored, as numpy.fft.irfft does.
    public func inverse(_ b: Buffers) {
        precondition(b.size == size, "buffers of a size-\(b.size) FFT used with a size-\(size) one")
        let (x, zr, zi, re, im) = (b.signal, b.zr, b.zi, b.re, b.im)
        let scale = 1 / Float(size)
        if size % 2 == 1 {
            zr[0] = re[0]; zi[0] = FFTLanes()
            for k in 1..<bins {
                zr[k] = re[k]; zi[k] = im[k]
                zr[size &- k] = re[k]; zi[size &- k] = -im[k]
            }
            complex.inverse(zr, zi, b.sr, b.si)
            for n in 0..<size { x[n] = zr[n] * scale }
            return
        }
        let m = size / 2
        unpackRe.withUnsafeBufferPointer { wr in
            unpackIm.withUnsafeBufferPointer { wi in
                for k in 0..<m {
                    let ar = re[k], ai = k == 0 ? FFTLanes() : im[k]
                    let j = m &- k
                    let br = re[j], bi = j == m ? FFTLanes() : -im[j]   // conj X[m-k]
                    let sr = ar + br, si = ai + bi
                    let dr = ar - br, di = ai - bi
                    // i · exp(+2πi·k/N) · d
                    let c = wr[k], s = -wi[k]
                    let tr = dr * c - di * s, ti = dr * s + di * c
                    zr[k] = (sr - ti) * scale
                    zi[k] = (si + tr) * scale
                }
            }
        }
        complex.inverse(zr, zi, b.sr, b.si)
        for j in 0..<m {
            x[2 &* j] = zr[j]; x[2 &* j &+ 1] = zi[j]
        }
    }
}
