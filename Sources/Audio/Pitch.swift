import Foundation

/// The YIN fundamental-frequency estimator (de Cheveigné & Kawahara 2002), computed exactly as
/// `librosa.yin(y, fmin, fmax, sr, frame_length, hop_length, trough_threshold, center=True,
/// pad_mode="constant")` does, so that F0 curves measured here match the Python evaluations
/// of other vocoders. Frames are centred: the signal is zero-padded by `frameLength/2` on
/// both sides and frame t covers padded samples `[t·hop, t·hop + N)`, N = frameLength.
///
/// Per frame y[0..<N], with periods `τ_min = ⌊sr/fmax⌋ ... τ_max = min(⌈sr/fmin⌉, N-1)`:
///
///     r(k)  = Σ_m y[m]·y[m+k]                         autocorrelation (by FFT of size ≥ 2N-1)
///     d(k)  = 2·(r(0) - r(k)) - Σ_{m<k} y[m]²,  d(0) = 0    (librosa's difference function)
///     d'(τ) = d(τ) / ((1/τ) Σ_{k=1..τ} d(k) + tiny)   cumulative mean normalised difference
///
/// A trough is a τ with d'(τ) < d'(τ-1) and d'(τ) ≤ d'(τ+1) (at τ_min: d' < d'(τ_min+1); at
/// τ_max: d' < d'(τ_max-1)). The period is the smallest trough with d' < `troughThreshold`,
/// or, when there is none, the global minimum of d' (its first occurrence). It is refined by
/// the vertex of the parabola through its neighbours, `τ* = τ - b/a` with
/// `a = d'(τ+1) + d'(τ-1) - 2d'(τ)`, `b = (d'(τ+1) - d'(τ-1))/2` (no shift at the ends or
/// when |b| ≥ |a|, which would move it past a neighbour), and `f0 = sr / τ*`.
///
/// YIN reports a frequency for every frame, silence and noise included; ``PYIN`` decides
/// which frames are voiced from the same d'(τ).
public struct YIN: Sendable {
    public let sampleRate: Double
    public let frameLength: Int
    public let hopLength: Int
    public let troughThreshold: Double
    /// The searched periods in samples, ⌊sr/fmax⌋ ... min(⌈sr/fmin⌉, frameLength-1).
    public let periods: ClosedRange<Int>
    private let fft: RealFFT

    public init(sampleRate: Double, fmin: Double, fmax: Double, frameLength: Int = 1024,
                hopLength: Int = 256, troughThreshold: Double = 0.1) throws {
        try AudioError.require(sampleRate > 0 && sampleRate.isFinite, "sample_rate", sampleRate, "must be positive")
        try AudioError.require(fmin > 0 && fmin < fmax, "fmin", fmin, "must be positive and below fmax=\(fmax)")
        try AudioError.require(fmax <= sampleRate / 2, "fmax", fmax, "must be at most the Nyquist frequency \(sampleRate / 2)")
        try AudioError.require(hopLength >= 1, "hop_length", hopLength, "must be at least 1")
        try AudioError.require(troughThreshold > 0, "trough_threshold", troughThreshold, "must be positive")
        let shortest = Int((sampleRate / fmax).rounded(.down))
        let longest = Int(min((sampleRate / fmin).rounded(.up), Double(frameLength - 1)))
        try AudioError.require(longest > shortest, "frame_length", frameLength,
                               "must exceed the shortest period sr/fmax=\(shortest) + 1 samples")
        self.sampleRate = sampleRate
        self.frameLength = frameLength
        self.hopLength = hopLength
        self.troughThreshold = troughThreshold
        periods = shortest...longest
        // A power of two ≥ 2N-1 makes the circular autocorrelation equal the linear one for
        // lags < N and keeps the FFT on its radix path.
        var size = 2
        while size < 2 * frameLength - 1 { size *= 2 }
        fft = try RealFFT(size: size)
    }

    /// librosa.yin's F0 (Hz) of every centred frame of `signal` (mono, at `sampleRate`).
    public func track(_ signal: [Float]) throws -> [Float] {
        var f0: [Float] = []
        try forEachFrame(of: signal) { cmnd in
            let (index, shift) = Self.pickPeriod(cmnd, threshold: troughThreshold)
            f0.append(Float(sampleRate / (Double(periods.lowerBound + index) + shift)))
        }
        return f0
    }

    /// Calls `body` with d'(τ) of every centred frame in order, indexed from
    /// `periods.lowerBound` (one buffer, reused: copy what must outlive the call).
    func forEachFrame(of signal: [Float], _ body: ([Double]) -> Void) throws {
        let n = frameLength, half = frameLength / 2
        let padded = signal.count + 2 * half
        try AudioError.require(!signal.isEmpty && padded >= n, "signal length", signal.count,
                               "is too short for frame_length=\(n) (needs at least \(max(1, n - 2 * half)) samples)")
        let frames = 1 + (padded - n) / hopLength
        let lanes = FFTLanes.scalarCount, maxLag = periods.upperBound
        let buffers = fft.makeBuffers()
        // Per lane: Σ_{m<k} y[m]² for k = 0 ... N, in Double (the energies of a frame span
        // orders of magnitude, and d(k) subtracts nearly equal sums).
        var energy = [Double](repeating: 0, count: lanes * (n + 1))
        var cmnd = [Double](repeating: 0, count: periods.count)
        signal.withUnsafeBufferPointer { x in
            for first in stride(from: 0, to: frames, by: lanes) {
                let used = min(lanes, frames - first)
                let lanesSignal = buffers.signal
                lanesSignal.update(repeating: FFTLanes(), count: fft.size)
                for l in 0..<used {
                    // Frame sample j is x[start + j - half]; only j in lo..<hi falls inside x.
                    // Both bounds are clamped to 0...n, and n ≤ fft.size lanes are allocated.
                    let start = (first + l) * hopLength
                    let lo = min(n, max(0, half - start)), hi = max(lo, min(n, x.count + half - start))
                    var sum = 0.0
                    energy[l * (n + 1)] = 0
                    for j in 0..<n {
                        let v = j >= lo && j < hi ? x[start + j - half] : 0
                        lanesSignal[j][l] = v
                        sum += Double(v) * Double(v)
                        energy[l * (n + 1) + j + 1] = sum
                    }
                }
                // r = irfft(|rfft(y)|²): the power spectrum in place, then back.
                fft.forward(buffers)
                for k in 0..<fft.bins {
                    let re = buffers.re[k], im = buffers.im[k]
                    buffers.re[k] = re * re + im * im
                    buffers.im[k] = FFTLanes()
                }
                fft.inverse(buffers)
                for l in 0..<used {
                    let r0 = Double(lanesSignal[0][l]), e = l * (n + 1)
                    var running = 0.0
                    for k in 1...maxLag {
                        let d = 2 * (r0 - Double(lanesSignal[k][l])) - energy[e + k]
                        running += d
                        if k >= periods.lowerBound {
                            cmnd[k - periods.lowerBound] = d / (running / Double(k) + Double.leastNormalMagnitude)
                        }
                    }
                    body(cmnd)
                }
            }
        }
    }

    /// The index into `c` (d' over the searched periods, at least two values) of the chosen
    /// period and its parabolic shift, by the rule in the type's documentation.
    static func pickPeriod(_ c: [Double], threshold: Double) -> (index: Int, shift: Double) {
        let index = c.indices.first { c[$0] < threshold && isTrough(c, $0) } ?? c.indices.min { c[$0] < c[$1] }!
        return (index, parabolicShift(c, index))
    }

    /// Whether d'(τ) at `i` is a trough (the type's documentation says how the ends count).
    static func isTrough(_ c: [Double], _ i: Int) -> Bool {
        let last = c.count - 1
        if i == 0 { return c[0] < c[1] }
        if i == last { return c[last] < c[last - 1] }
        return c[i] < c[i - 1] && c[i] <= c[i + 1]
    }

    /// The vertex of the parabola through `c[i-1...i+1]`, relative to `i`: 0 at the ends or
    /// when it would lie past a neighbour.
    static func parabolicShift(_ c: [Double], _ i: Int) -> Double {
        guard i > 0 && i < c.count - 1 else { return 0 }
        let a = c[i + 1] + c[i - 1] - 2 * c[i]
        let b = (c[i + 1] - c[i - 1]) / 2
        return abs(b) >= abs(a) ? 0 : -b / a
    }
}
