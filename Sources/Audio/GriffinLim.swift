import Foundation
import Seeded
import Tensor

/// Phase retrieval by fast Griffin-Lim (Perraudin, Balazs & Søndergaard 2013), as
/// librosa.griffinlim: find a signal whose STFT magnitude is the given `S`.
///
/// With `P(X) = S · X/|X|` (keep the phase, impose the magnitude) and `c = α/(1+α)` for
/// momentum `α`, starting from `X₀ = S·exp(iφ₀)`:
///
///     Rₙ = STFT(ISTFT(Xₙ))              (project onto consistent spectrograms)
///     Xₙ₊₁ = P(Rₙ - c·Rₙ₋₁)             (extrapolate, then impose the magnitude)
///
/// and the result is `ISTFT(X_N)`. `α = 0` is the classic Griffin-Lim; 0.99 (the default)
/// converges much faster. Each iteration is one inverse and one forward STFT over reused
/// buffers (no allocation inside the loop); the update runs inside the forward STFT's batch
/// loop, so `Rₙ` is never stored whole and each iteration has two parallel sections. With a
/// `length` shorter than the frames imply, frames the signal no longer reaches keep their
/// previous phase.
public struct GriffinLim: Sendable {
    /// How the phase starts.
    public enum Initialization: Sendable, Equatable {
        /// Uniform random phases in [0, 2π) from a seeded generator (librosa's `init="random"`).
        case random(seed: UInt64)
        /// All phases zero (librosa's `init=None`).
        case zero
    }

    public let stft: STFT
    public let iterations: Int
    public let momentum: Float
    public let initialization: Initialization

    public init(stft: STFT, iterations: Int = 32, momentum: Float = 0.99,
                initialization: Initialization = .random(seed: 0)) throws {
        try AudioError.require(iterations >= 0, "iterations", iterations, "must be at least 0")
        try AudioError.require(momentum >= 0 && momentum.isFinite, "momentum", momentum,
                               "must be at least 0 (0.99 is the usual value; above 1 may diverge)")
        self.stft = stft; self.iterations = iterations
        self.momentum = momentum; self.initialization = initialization
    }

    /// A signal of `length` samples (or the inverse STFT's natural length) whose STFT
    /// magnitude approximates `magnitude` (`n_fft/2+1 × frames`).
    public func callAsFunction(_ magnitude: Spectrogram, length: Int? = nil) throws -> [Float] {
        try AudioError.require(magnitude.rows == stft.bins, "bins", magnitude.rows,
                               "the magnitude must have n_fft/2+1=\(stft.bins) rows for n_fft=\(stft.nFFT)")
        try AudioError.require(magnitude.frames > 0, "frames", 0, "must be at least 1")
        let frames = magnitude.frames
        let signalLength = stft.outputLength(frames: frames, length: length)
        try AudioError.require(signalLength > 0, "length", signalLength, "must be positive")
        try stft.validate(signalLength: signalLength)

        // State in batch-major lane layout, `[batch · bins + k]` = bin k of frames
        // 4·batch ..< 4·batch+4, so each batch reads and writes one contiguous block
        // (the bins × frames layout touched a new page per bin: measured 3x slower).
        let lanes = FFTLanes.scalarCount, bins = stft.bins
        let batches = (frames + lanes - 1) / lanes
        var target = [FFTLanes](repeating: FFTLanes(), count: batches * bins)
        var angleRe = target, angleIm = target
        // Batches start in parallel, each with its own generator seeded from (seed, batch),
        // so the phases do not depend on the thread count.
        let seed: UInt64? = if case .random(let seed) = initialization { seed } else { nil }
        magnitude.values.withUnsafeBufferPointer { m in
        target.withUnsafeMutableBufferPointer { t in
        angleRe.withUnsafeMutableBufferPointer { re in angleIm.withUnsafeMutableBufferPointer { im in
            let (m, t, re, im) = (m.baseAddress!, t.baseAddress!, re.baseAddress!, im.baseAddress!)
            Parallel.forChunks(batches, minimumChunk: 8, chunksPerThread: 4) { _, range in
                for batch in range {
                    var rng = SplitMix64(seed: (seed ?? 0) ^ (UInt64(batch) &* 0xD1B5_4A32_D192_ED03))
                    for k in 0..<bins {
                        let i = batch &* bins &+ k
                        for l in 0..<min(lanes, frames &- batch &* lanes) {
                            let s = m[k &* frames &+ batch &* lanes &+ l]
                            t[i][l] = s
                            if seed == nil {
                                re[i][l] = s
                            } else {
                                let phase = Float.random(in: 0..<(2 * .pi), using: &rng)
                                re[i][l] = s * cos(phase); im[i][l] = s * sin(phase)
                            }
                        }
                    }
                }
            }
        }}}}
        // Rₙ₋₁, zero before the first iteration (where c is 0 anyway).
        var previousRe = [FFTLanes](repeating: FFTLanes(), count: batches * bins), previousIm = previousRe
        let workspace = STFT.Workspace(stft: stft)
        var signal = [Float](repeating: 0, count: signalLength)
        let eps = FFTLanes(repeating: Float.leastNormalMagnitude)

        target.withUnsafeBufferPointer { s in
        angleRe.withUnsafeMutableBufferPointer { ar in angleIm.withUnsafeMutableBufferPointer { ai in
        previousRe.withUnsafeMutableBufferPointer { pr in previousIm.withUnsafeMutableBufferPointer { pi in
        signal.withUnsafeMutableBufferPointer { signal in
            let (s, ar, ai, pr, pi) = (s.baseAddress!, ar.baseAddress!, ai.baseAddress!, pr.baseAddress!, pi.baseAddress!)
            func synthesize() {
                stft.synthesize(frames: frames, into: signal, workspace: workspace) { f0, _, b in
                    let base = f0 / lanes * bins
                    b.re.update(from: ar + base, count: bins)
                    b.im.update(from: ai + base, count: bins)
                }
            }
            for iteration in 0..<iterations {
                let c = iteration == 0 ? 0 : momentum / (1 + momentum)
                synthesize()
                // Rₙ = STFT(signal), consumed batch by batch in cache: Xₙ₊₁ = P(Rₙ - c·Rₙ₋₁).
                // Frames beyond the magnitude's (a long `length`) are ignored.
                stft.analyze(UnsafeBufferPointer(signal), workspace: workspace) { f0, _, b in
                    guard f0 < frames else { return }
                    let base = f0 / lanes * bins
                    for k in 0..<bins {
                        let i = base &+ k
                        let (rr, ri) = (b.re[k], b.im[k])
                        let re = rr - c * pr[i], im = ri - c * pi[i]
                        let scale = s[i] / ((re * re + im * im).squareRoot() + eps)
                        ar[i] = re * scale; ai[i] = im * scale
                        pr[i] = rr; pi[i] = ri
                    }
                }
            }
            synthesize()
        }}}}}}
        return signal
    }
}

