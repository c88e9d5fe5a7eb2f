import Audio
import Foundation
import Tensor

/// `funaudio bench dsp`: STFT, mel spectrogram and Griffin-Lim timed in FunAudio and, in the
/// same invocation on the same signal, in librosa (scripts/peers/bench_dsp.py).
public enum DSPBenchmark {
    /// The workload: `seconds` of audio at `sampleRate`, analysed with `nFFT`, `hop`, `nMels`.
    public struct Settings: Sendable {
        public var sampleRate = 22050, seconds = 10.0
        public var nFFT = 1024, hop = 256, nMels = 80, iterations = 32
        /// Timed runs per measurement (after one warm-up); Griffin-Lim uses a fifth as many.
        public var repeats = 30
        public init() {}
    }

    /// Best (minimum) wall times in milliseconds over the repeats, as Python's timeit
    /// recommends: on a machine shared with other jobs, slower runs measure the neighbours.
    public struct Timings: Codable, Sendable {
        public let stft_ms: Double, mel_ms: Double, griffinlim_ms: Double
    }

    /// FunAudio's timings at the top level (`stft_ms`, …), librosa's under `librosa`, and
    /// `speedup` = librosa's time / FunAudio's (above 1: FunAudio is faster).
    public struct Report: Codable, Sendable, BenchmarkReport {
        public let stft_ms: Double, mel_ms: Double, griffinlim_ms: Double
        public let librosa: Timings?
        public let speedup: [String: Double]?
        public let signal: String
        public let threads: Int
        public let repeats: Int

        public var text: String {
            var lines = ["DSP benchmark: \(signal), \(threads) threads, best of \(repeats) runs (Griffin-Lim: \(max(3, repeats / 6)))",
                         "                 FunAudio      librosa    speed-up"]
            for (name, ours, theirs) in [("STFT", stft_ms, librosa?.stft_ms),
                                          ("mel", mel_ms, librosa?.mel_ms),
                                          ("Griffin-Lim 32", griffinlim_ms, librosa?.griffinlim_ms)] {
                let peer = theirs.map { String(format: "%9.2f ms    %6.2fx", $0, $0 / ours) } ?? "        (not run)"
                lines.append(name.padding(toLength: 15, withPad: " ", startingAt: 0)
                             + String(format: "%9.2f ms  ", ours) + peer)
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs FunAudio's measurements, then librosa's unless `peer` is nil.
    public static func run(_ settings: Settings = Settings(), withPeer: Bool) throws -> Report {
        let signal = testSignal(settings)
        let stft = try STFT(nFFT: settings.nFFT, hopLength: settings.hop)
        let mel = try MelSpectrogram(sampleRate: settings.sampleRate, nFFT: settings.nFFT,
                                     hopLength: settings.hop, nMels: settings.nMels)
        let magnitude = try stft(signal).magnitude()
        let griffinLim = try GriffinLim(stft: stft, iterations: settings.iterations)
        let ours = Timings(
            stft_ms: try bestMilliseconds(settings.repeats) { _ = try stft(signal) },
            mel_ms: try bestMilliseconds(settings.repeats) { _ = try mel(signal) },
            griffinlim_ms: try bestMilliseconds(max(3, settings.repeats / 6)) { _ = try griffinLim(magnitude) })

        var theirs: Timings?
        if withPeer {
            let file = FileManager.default.temporaryDirectory
                .appendingPathComponent("funaudio-bench-dsp-\(ProcessInfo.processInfo.processIdentifier).npy")
            defer { try? FileManager.default.removeItem(at: file) }
            try NumPyFile.write(signal, shape: [signal.count], to: file)
            theirs = try Peer.decode(Timings.self, from: "bench_dsp.py", arguments: [
                file.path, "\(settings.sampleRate)", "\(settings.nFFT)", "\(settings.hop)",
                "\(settings.nMels)", "\(settings.iterations)", "\(settings.repeats)"])
        }
        return Report(
            stft_ms: ours.stft_ms, mel_ms: ours.mel_ms, griffinlim_ms: ours.griffinlim_ms,
            librosa: theirs,
            speedup: theirs.map { ["stft": $0.stft_ms / ours.stft_ms, "mel": $0.mel_ms / ours.mel_ms,
                                   "griffinlim": $0.griffinlim_ms / ours.griffinlim_ms] },
            signal: String(format: "%.0f s at %d Hz, n_fft %d, hop %d, %d mels", settings.seconds,
                           settings.sampleRate, settings.nFFT, settings.hop, settings.nMels),
            threads: Parallel.threadCount, repeats: settings.repeats)
    }

    /// A deterministic speech-like test signal: a 120 Hz harmonic series with vibrato, a
    /// 100 Hz → 5 kHz chirp and a little pseudo-random noise.
    static func testSignal(_ s: Settings) -> [Float] {
        let count = Int(s.seconds * Double(s.sampleRate))
        var state: UInt32 = 12345
        return (0..<count).map { n in
            let t = Double(n) / Double(s.sampleRate)
            let f0 = 120 * (1 + 0.05 * sin(2 * .pi * 5 * t))
            var x = 0.0
            for h in 1...8 { x += sin(2 * .pi * f0 * Double(h) * t) / Double(h) }
            x += 0.3 * sin(2 * .pi * (100 * t + 4900 / (2 * s.seconds) * t * t))
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(0.2 * x + 0.02 * (Double(state >> 8) / Double(1 << 24) - 0.5))
        }
    }

    /// The fastest of `repeats` timed runs after one untimed warm-up.
    static func bestMilliseconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.min()!
    }
}
