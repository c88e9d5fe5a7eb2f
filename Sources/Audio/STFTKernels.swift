import Tensor

/// The batched forward and inverse STFT loops, over buffers a `STFT.Workspace` owns so that
/// repeated calls (Griffin-Lim) allocate nothing.
extension STFT {
    /// Working memory for repeated STFTs of one configuration: per-thread FFT buffers, the
    /// padded signal, per-thread overlap-add spans and the cached inverse window sum.
    public final class Workspace {
        let buffers: [RealFFT.Buffers]
        var padded: [Float] = []
        var spans: [[Float]]
        var inverseWindowSum: [Float] = []
        var inverseWindowSumFrames = -1

        public init(stft: STFT) {
            let threads = Parallel.chunkCount(.max, minimumChunk: 1, chunksPerThread: 4)
            buffers = (0..<threads).map { _ in stft.fft.makeBuffers() }
            spans = Array(repeating: [], count: threads)
        }

        /// Chunks for `batches` batches of frames: as the threads allow, no more than this
        /// workspace has buffers for (the thread count may have grown since it was made).
        func chunks(_ batches: Int) -> Int {
            min(buffers.count, Parallel.chunkCount(batches, minimumChunk: 4, chunksPerThread: 4))
        }
    }

    /// STFT of `signal` into `out`, which must already have `bins × frameCount(signal.count)`
    /// shape (call `validate(signalLength:)` first: an unchecked signal can be read out of
    /// bounds, hence internal).
    func forward(_ signal: UnsafeBufferPointer<Float>, into out: inout ComplexSpectrogram,
                        workspace ws: Workspace) {
        let frames = frameCount(signalLength: signal.count)
        precondition(out.bins == bins && out.frames == frames, "output shape mismatch")
        let bins = bins
        out.real.withUnsafeMutableBufferPointer { real in
            out.imag.withUnsafeMutableBufferPointer { imag in
                let (re, im) = (real.baseAddress!, imag.baseAddress!)
                analyze(signal, workspace: ws) { f0, used, b in
                    storeLanes(b.re, into: re + f0, stride: frames, rows: bins, used: used)
                    storeLanes(b.im, into: im + f0, stride: frames, rows: bins, used: used)
                }
            }
        }
    }

    /// The STFT loop: frames of `signal` are windowed and transformed four at a time (one
    /// per lane), batches split across cores, and `consume(firstFrame, usedLanes, buffers)`
    /// sees each batch's spectrum in `buffers.re`/`buffers.im` (lane `l` = frame
    /// `firstFrame + l`). `consume` runs concurrently and must write only its own frames.
    func analyze(_ signal: UnsafeBufferPointer<Float>, workspace ws: Workspace,
                 _ consume: (_ firstFrame: Int, _ used: Int, _ buffers: RealFFT.Buffers) -> Void) {
        let frames = frameCount(signalLength: signal.count)
        fillPadded(signal, ws)
        let lanes = FFTLanes.scalarCount
        let (n, hop, fft) = (nFFT, hopLength, fft)
        ws.padded.withUnsafeBufferPointer { padded in
            window.withUnsafeBufferPointer { window in
                let (x, w) = (padded.baseAddress!, window.baseAddress!)
                let batchCount = (frames + lanes - 1) / lanes
                Parallel.forEachChunk(ws.chunks(batchCount), of: batchCount) { chunk, batches in
                    let b = ws.buffers[chunk]
                    for batch in batches {
                        let f0 = batch &* lanes, used = min(lanes, frames &- f0)
                        // Unused lanes repeat the last frame; consumers ignore them.
                        let last = used &- 1
                        let p0 = x + f0 &* hop
                        let p1 = p0 + min(1, last) &* hop, p2 = p0 + min(2, last) &* hop
                        let p3 = p0 + min(3, last) &* hop
                        @inline(__always) func sample(_ j: Int) -> FFTLanes {
                            FFTLanes(p0[j], p1[j], p2[j], p3[j]) * w[j]
                        }
                        if n % 2 == 0 {
                            for j in 0..<(n / 2) { b.zr[j] = sample(2 &* j); b.zi[j] = sample(2 &* j &+ 1) }
                            fft.forwardPacked(b)
                        } else {
                            for j in 0..<n { b.signal[j] = sample(j) }
                            fft.forward(b)
                        }
                        consume(f0, used, b)
                    }
                }
            }
        }
    }

    /// Inverse STFT of `spectrogram` (`bins` rows, checked by the public `inverse`) into `out`
    /// (`outputLength(frames:length:)` samples).
    func inverse(_ spectrogram: ComplexSpectrogram, into out: UnsafeMutableBufferPointer<Float>,
                        workspace ws: Workspace) {
        let (bins, stride) = (bins, spectrogram.frames)
        spectrogram.real.withUnsafeBufferPointer { real in
            spectrogram.imag.withUnsafeBufferPointer { imag in
                let (re, im) = (real.baseAddress!, imag.baseAddress!)
                synthesize(frames: spectrogram.frames, into: out, workspace: ws) { f0, used, b in
                    loadLanes(b.re, from: re + f0, stride: stride, rows: bins, used: used)
                    loadLanes(b.im, from: im + f0, stride: stride, rows: bins, used: used)
                }
            }
        }
    }

    /// The inverse STFT loop, the mirror of `analyze`: `produce(firstFrame, usedLanes,
    /// buffers)` fills each batch's spectrum (`buffers.re`/`im`, zero in unused lanes), which
    /// is inverse-transformed, windowed and overlap-added, then normalised by the window sum.
    /// `produce` runs concurrently for different batches.
    func synthesize(frames totalFrames: Int, into out: UnsafeMutableBufferPointer<Float>, workspace ws: Workspace,
                    _ produce: (_ firstFrame: Int, _ used: Int, _ buffers: RealFFT.Buffers) -> Void) {
        let lanes = FFTLanes.scalarCount
        let start = center ? nFFT / 2 : 0
        // Frames that reach into the output (librosa.istft with `length`).
        let frames = min(totalFrames, (out.count + 2 * start + hopLength - 1) / hopLength)
        let (n, hop, fft) = (nFFT, hopLength, fft)
        let batchCount = (frames + lanes - 1) / lanes
        let chunks = ws.chunks(batchCount)
        // Each chunk overlap-adds into its own span, then the spans are summed into `out`.
        for c in 0..<chunks {
            let r = Parallel.chunkRange(c, of: chunks, count: batchCount)
            let count = (min(r.upperBound * lanes, frames) - r.lowerBound * lanes - 1) * hop + n
            if ws.spans[c].count < count { ws.spans[c] = [Float](repeating: 0, count: count) }
        }
        window.withUnsafeBufferPointer { window in
            let w = window.baseAddress!
            let spanPointers = (0..<chunks).map { c in
                ws.spans[c].withUnsafeMutableBufferPointer { $0.baseAddress! }
            }
            Parallel.forEachChunk(chunks, of: batchCount) { chunk, batches in
                let b = ws.buffers[chunk]
                let span = spanPointers[chunk]
                let spanStart = batches.lowerBound * lanes
                span.update(repeating: 0, count: (min(batches.upperBound * lanes, frames) - spanStart - 1) * hop + n)
                let signal = UnsafeRawPointer(b.signal).assumingMemoryBound(to: Float.self)
                for batch in batches {
                    let f0 = batch &* lanes, used = min(lanes, frames &- f0)
                    produce(f0, used, b)
                    fft.inverse(b)
                    for l in 0..<used {
                        let o = span + (f0 &+ l &- spanStart) &* hop
                        for j in 0..<n { o[j] += w[j] * signal[j &* lanes &+ l] }
                    }
                }
            }
        }
        out.update(repeating: 0)
        for c in 0..<chunks {
            let r = Parallel.chunkRange(c, of: chunks, count: batchCount)
            let spanStart = r.lowerBound * lanes * hop - start
            let count = (min(r.upperBound * lanes, frames) - r.lowerBound * lanes - 1) * hop + n
            ws.spans[c].withUnsafeBufferPointer { span in
                for t in max(0, -spanStart)..<min(count, out.count - spanStart) {
                    out[spanStart + t] += span[t]
                }
            }
        }
        let inverseSum = inverseWindowSum(frames: frames, ws)
        inverseSum.withUnsafeBufferPointer { inv in
            for t in 0..<min(out.count, inv.count - start) { out[t] *= inv[t + start] }
        }
    }

    /// Tensor's `inverseWindowSumSquare` of the window, cached per frame count.
    private func inverseWindowSum(frames: Int, _ ws: Workspace) -> [Float] {
        if ws.inverseWindowSumFrames == frames { return ws.inverseWindowSum }
        ws.inverseWindowSum = inverseWindowSumSquare(window, hop: hopLength, frames: frames)
        ws.inverseWindowSumFrames = frames
        return ws.inverseWindowSum
    }

    /// The signal with `n_fft/2` samples of padding on each side if `center`, else a copy.
    private func fillPadded(_ signal: UnsafeBufferPointer<Float>, _ ws: Workspace) {
        let pad = center ? nFFT / 2 : 0, length = signal.count
        if ws.padded.count != length + 2 * pad {
            ws.padded = [Float](repeating: 0, count: length + 2 * pad)
        }
        ws.padded.withUnsafeMutableBufferPointer { p in
            for i in 0..<length { p[pad + i] = signal[i] }
            for i in 1...max(1, pad) where pad > 0 {
                switch padMode {
                case .constant:
                    p[pad - i] = 0; p[pad + length - 1 + i] = 0
                case .reflect:
                    p[pad - i] = signal[i]; p[pad + length - 1 + i] = signal[length - 1 - i]
                }
            }
        }
    }
}

/// Writes lane vectors `v[r]` to `out + r·stride` (consecutive frames of row `r`), only the
/// first `used` lanes.
@inline(__always)
func storeLanes(_ v: UnsafeMutablePointer<FFTLanes>, into out: UnsafeMutablePointer<Float>,
                        stride: Int, rows: Int, used: Int) {
    if used == FFTLanes.scalarCount {
        for r in 0..<rows {
            UnsafeMutableRawPointer(out + r &* stride).storeBytes(of: v[r], as: FFTLanes.self)
        }
    } else {
        for r in 0..<rows {
            for l in 0..<used { out[r &* stride &+ l] = v[r][l] }
        }
    }
}

/// Reads `v[r]` from `from + r·stride`, zero in lanes at and beyond `used`.
@inline(__always)
private func loadLanes(_ v: UnsafeMutablePointer<FFTLanes>, from: UnsafePointer<Float>,
                       stride: Int, rows: Int, used: Int) {
    if used == FFTLanes.scalarCount {
        for r in 0..<rows {
            v[r] = UnsafeRawPointer(from + r &* stride).loadUnaligned(as: FFTLanes.self)
        }
    } else {
        for r in 0..<rows {
            var lane = FFTLanes()
            for l in 0..<used { lane[l] = from[r &* stride &+ l] }
            v[r] = lane
        }
    }
}
