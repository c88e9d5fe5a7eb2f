import Audio
import Data
import Foundation
import Tensor

/// `funaudio bench dsp`: STFT, mel spectrogram and Griffin-Lim timed in FunAudio and, in
/// interleaved rounds on the same signal with the same settings, in librosa and in
/// torch.stft / torchaudio (scripts/peers/bench_dsp.py).
///
/// The settings are FunAudio's training features (``MelSettings``: n_fft 1024, hop 256,
/// window 1024, 80 bands up to 8 kHz, magnitude mel, Slaney scale and norm, zero padding at
/// the edges) and Griffin-Lim's defaults (32 iterations, momentum 0.99, random initial phase).
public enum DSPBenchmark {
    /// The workload: `seconds` of audio at `sampleRate`, analysed with `mel`.
    public struct Settings: Sendable {
        public var sampleRate = MelSettings.sampleRate, seconds = 10.0
        public var mel = MelSettings()
        public var iterations = 32, momentum: Float = 0.99
        /// Counted rounds (one more warms up).
        public var rounds = 15
        /// STFT and mel runs per round (their median is the round's figure).
        public var repeats = 5
        /// Griffin-Lim runs per round.
        public var griffinLimRepeats = 1
        public init() {}
    }

    /// One side's figures: medians over the rounds, in milliseconds.
    public struct Timings: Codable, Sendable {
        public let stft_ms: Double, mel_ms: Double, griffinlim_ms: Double
    }

    /// FunAudio's timings at the top level (`stft_ms`, …), the peers' under `librosa` and
    /// `torch` (torch.stft, torchaudio's MelSpectrogram and GriffinLim), `speedup` = librosa's
    /// time / FunAudio's as before, and per-round ratios FunAudio / peer (`torch_stft_ratio`,
    /// `librosa_mel_ratio`, …; below 1: FunAudio is faster).
    public struct Report: Codable, Sendable, BenchmarkReport {
        public let stft_ms: Double, mel_ms: Double, griffinlim_ms: Double
        public let librosa: Timings?
        public let torch: Timings?
        public let speedup: [String: Double]?
        public let librosa_stft_ratio: RatioEstimate?, librosa_mel_ratio: RatioEstimate?, librosa_griffinlim_ratio: RatioEstimate?
        public let torch_stft_ratio: RatioEstimate?, torch_mel_ratio: RatioEstimate?, torch_griffinlim_ratio: RatioEstimate?
        /// Peer versions: `librosa`, `torch`, `torchaudio`.
        public let versions: [String: String]?
        public let signal: String
        public let threads: Int
        public let rounds: Int, repeats: Int, griffinlim_repeats: Int
        public let load_before: Double?, load_after: Double?

        public var text: String {
            var lines = ["DSP benchmark: \(signal), \(threads) threads; \(rounds) interleaved rounds after one warm-up, "
                         + "medians of \(repeats) runs per round (Griffin-Lim: \(griffinlim_repeats))",
                         "FunAudio / peer: median of the per-round ratios (95 % interval); below 1: FunAudio is faster"]
            let rows: [(String, Double, Double?, RatioEstimate?, Double?, RatioEstimate?)] = [
                ("STFT", stft_ms, torch?.stft_ms, torch_stft_ratio, librosa?.stft_ms, librosa_stft_ratio),
                ("mel", mel_ms, torch?.mel_ms, torch_mel_ratio, librosa?.mel_ms, librosa_mel_ratio),
                ("Griffin-Lim 32", griffinlim_ms, torch?.griffinlim_ms, torch_griffinlim_ratio,
                 librosa?.griffinlim_ms, librosa_griffinlim_ratio),
            ]
            for (name, ours, torchMs, torchRatio, librosaMs, librosaRatio) in rows {
                lines.append(name.padding(toLength: 15, withPad: " ", startingAt: 0) + String(format: "FunAudio %9.2f ms", ours))
                if let torchMs, let torchRatio {
                    lines.append("  torch/torchaudio \(String(format: "%9.2f ms", torchMs))  \(torchRatio.text)")
                }
                if let librosaMs, let librosaRatio {
                    lines.append("  librosa          \(String(format: "%9.2f ms", librosaMs))  \(librosaRatio.text)")
                }
            }
            if let versions {
                lines.append("peers: " + versions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            lines.append("load average \(loadText(load_before, load_after))")
            return lines.joined(separator: "\n")
        }
    }

    /// Times FunAudio and, unless `withPeer` is false, the peers in interleaved rounds;
    /// `progress` gets each counted round.
    public static func run(_ settings: Settings = Settings(), withPeer: Bool,
                           progress: (Int) -> Void = { _ in }) throws -> Report {
        guard withPeer else { return try run(settings, peer: nil, progress: progress) }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("funaudio-bench-dsp-\(ProcessInfo.processInfo.processIdentifier).npy")
        defer { try? FileManager.default.removeItem(at: file) }
        let signal = testSignal(settings)
        try NumPyFile.write(signal, shape: [signal.count], to: file)
        let m = settings.mel
        let peer = try PeerSession(script: "bench_dsp.py", arguments: [
            "--signal", file.path, "--sample-rate", "\(settings.sampleRate)", "--n-fft", "\(m.nFFT)",
            "--hop", "\(m.hopLength)", "--win", "\(m.winLength)", "--n-mels", "\(m.nMels)",
            "--fmin", "\(m.fmin)", "--fmax", "\(m.fmax)", "--power", "\(m.power)",
            "--iterations", "\(settings.iterations)", "--momentum", "\(settings.momentum)",
            "--repeats", "\(settings.repeats)", "--griffinlim-repeats", "\(settings.griffinLimRepeats)",
            "--threads", "\(Parallel.threadCount)",
        ])
        return try run(settings, peer: peer, progress: progress)
    }

    /// The rounds against any peer that speaks the protocol (tests use a fake one).
    static func run(_ settings: Settings, peer: PeerSession?, progress: (Int) -> Void = { _ in }) throws -> Report {
        let loadBefore = Measure.loadAverage
        let signal = testSignal(settings)
        let m = settings.mel
        let stft = try STFT(nFFT: m.nFFT, hopLength: m.hopLength, winLength: m.winLength)
        let mel = try m.melSpectrogram(sampleRate: settings.sampleRate)
        let magnitude = try stft(signal).magnitude()
        let griffinLim = try GriffinLim(stft: stft, iterations: settings.iterations, momentum: settings.momentum)
        let figures = try Interleaved.run(rounds: settings.rounds, peer: peer, ours: {
            ["stft_ms": try Interleaved.medianMs(settings.repeats) { _ = try stft(signal) },
             "mel_ms": try Interleaved.medianMs(settings.repeats) { _ = try mel(signal) },
             "griffinlim_ms": try Interleaved.medianMs(settings.griffinLimRepeats) { _ = try griffinLim(magnitude) }]
        }, progress: progress)
        peer?.close()

        func timings(_ prefix: String) -> Timings? {
            guard let s = figures.median(peer: prefix + "stft_ms"), let mel = figures.median(peer: prefix + "mel_ms"),
                  let g = figures.median(peer: prefix + "griffinlim_ms") else { return nil }
            return Timings(stft_ms: s, mel_ms: mel, griffinlim_ms: g)
        }
        let ratio = { (figure: String, prefix: String) in figures.ratio(figure, over: prefix + figure) }
        let librosaStft = ratio("stft_ms", "librosa_"), librosaMel = ratio("mel_ms", "librosa_")
        let librosaGriffinLim = ratio("griffinlim_ms", "librosa_")
        let versions = peer.map { $0.ready.compactMapValues { value -> String? in
            if case .string(let s) = value { s } else { nil }
        } }
        return Report(
            stft_ms: figures.median(ours: "stft_ms"), mel_ms: figures.median(ours: "mel_ms"),
            griffinlim_ms: figures.median(ours: "griffinlim_ms"),
            librosa: timings("librosa_"), torch: timings("torch_"),
            speedup: librosaStft.map { stft in
                ["stft": 1 / stft.median, "mel": 1 / (librosaMel?.median ?? .nan),
                 "griffinlim": 1 / (librosaGriffinLim?.median ?? .nan)]
            },
            librosa_stft_ratio: librosaStft, librosa_mel_ratio: librosaMel, librosa_griffinlim_ratio: librosaGriffinLim,
            torch_stft_ratio: ratio("stft_ms", "torch_"), torch_mel_ratio: ratio("mel_ms", "torch_"),
            torch_griffinlim_ratio: ratio("griffinlim_ms", "torch_"), versions: versions,
            signal: String(format: "%.0f s at %d Hz, n_fft %d, hop %d, %d mels to %.0f Hz, power %g", settings.seconds,
                           settings.sampleRate, m.nFFT, m.hopLength, m.nMels, m.fmax, Double(m.power)),
            threads: Parallel.threadCount, rounds: settings.rounds, repeats: settings.repeats,
            griffinlim_repeats: settings.griffinLimRepeats, load_before: loadBefore, load_after: Measure.loadAverage)
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
}
