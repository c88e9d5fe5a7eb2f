import Foundation

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
/// buffers (no allocation inside the loop).
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
        let frames = magnitude.frames, count = magnitude.values.count
        let signalLength = stft.outputLength(frames: frames, length: length)
        try AudioError.require(signalLength > 0, "length", signalLength, "must be positive")
        try stft.validate(signalLength: signalLength)

        var angles = ComplexSpectrogram(bins: stft.bins, frames: frames)
        switch initialization {
        case .zero:
            angles.real = magnitude.values
        case .random(let seed):
            var rng = SplitMix64(seed: seed)
            for i in 0..<count {
                let phase = Float.random(in: 0..<(2 * .pi), using: &rng)
                angles.real[i] = magnitude.values[i] * cos(phase)
                angles.imag[i] = magnitude.values[i] * sin(phase)
            }
        }
        let workspace = STFT.Workspace(stft: stft)
        var signal = [Float](repeating: 0, count: signalLength)
        let rebuiltFrames = stft.frameCount(signalLength: signalLength)
        var rebuilt = ComplexSpectrogram(bins: stft.bins, frames: rebuiltFrames)
        var previous = rebuilt
        let c = momentum / (1 + momentum)
        for iteration in 0..<iterations {
            signal.withUnsafeMutableBufferPointer { stft.inverse(angles, into: $0, workspace: workspace) }
            signal.withUnsafeBufferPointer { stft.forward($0, into: &rebuilt, workspace: workspace) }
            Self.project(rebuilt, minus: iteration == 0 ? 0 : c, previous, onto: magnitude, into: &angles)
            swap(&rebuilt, &previous)
        }
        signal.withUnsafeMutableBufferPointer { stft.inverse(angles, into: $0, workspace: workspace) }
        return signal
    }

    /// `angles = S · A/(|A| + ε)` with `A = rebuilt - c·previous`, ε the smallest normal float
    /// (as librosa). Frames beyond `rebuilt`'s (a `length` shorter than the spectrogram) get
    /// zero phase.
    private static func project(_ rebuilt: ComplexSpectrogram, minus c: Float, _ previous: ComplexSpectrogram,
                                onto magnitude: Spectrogram, into angles: inout ComplexSpectrogram) {
        let (bins, frames, rebuiltFrames) = (magnitude.rows, magnitude.frames, rebuilt.frames)
        let eps = Float.leastNormalMagnitude
        rebuilt.real.withUnsafeBufferPointer { rr in rebuilt.imag.withUnsafeBufferPointer { ri in
        previous.real.withUnsafeBufferPointer { pr in previous.imag.withUnsafeBufferPointer { pi in
        magnitude.values.withUnsafeBufferPointer { s in
        angles.real.withUnsafeMutableBufferPointer { ar in angles.imag.withUnsafeMutableBufferPointer { ai in
            let (rr, ri, pr, pi, s, ar, ai) = (rr.baseAddress!, ri.baseAddress!, pr.baseAddress!, pi.baseAddress!,
                                               s.baseAddress!, ar.baseAddress!, ai.baseAddress!)
            parallelChunks(count: bins, minimumChunk: 32) { _, rows in
                for k in rows {
                    let usable = min(frames, rebuiltFrames)
                    for t in 0..<usable {
                        let i = k &* rebuiltFrames &+ t, o = k &* frames &+ t
                        let re = rr[i] - c * pr[i], im = ri[i] - c * pi[i]
                        let scale = s[o] / ((re * re + im * im).squareRoot() + eps)
                        ar[o] = re * scale
                        ai[o] = im * scale
                    }
                    for t in usable..<frames {
                        ar[k &* frames &+ t] = s[k &* frames &+ t]; ai[k &* frames &+ t] = 0
                    }
                }
            }
        }}}}}}}
    }
}
