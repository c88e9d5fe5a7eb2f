import Audio
import Data
import Foundation
import Models
import Tensor

/// `funaudio bench vocoder`: the Vocos vocoder against Griffin-Lim on the same log-mel (10 s
/// of 22.05 kHz speech-like audio, the training features), and against a PyTorch peer of the
/// same network (scripts/peers/bench_vocoder.py) in interleaved rounds: FunAudio's round, then
/// the peer's, `rounds` times, so a neighbour's load falls on both sides alike; the figures
/// are medians over rounds of each round's median. The WaveNet vocoder (the `train_vocoder`
/// cell's default `wavenet` sizes) is timed on the same mel, FunAudio only: it runs at the
/// sample rate, so it has fewer timed forwards (`repeats / 5`, at least 1).
public enum VocoderBenchmark {
    public struct Settings: Sendable {
        /// The vocoder's sizes (`experiments/vocoder.yaml`'s by default).
        public var dim = 128, intermediate = 384, layers = 6
        /// The WaveNet's sizes (the `train_vocoder` cell's defaults).
        public var wavenet = VocoderSpec.WaveNet(layers: 10, stacks: 2, residualChannels: 32, gateChannels: 64, skipChannels: 32)
        public var seconds = 10.0
        public var repeats = 10, rounds = 3
        public init() {}
    }

    /// Real-time factors are seconds of computing per second of audio (0.01: 100× real time).
    public struct Report: Codable, Sendable, BenchmarkReport {
        public let vocos_ms: Double, vocos_rtf: Double
        public let griffinlim_ms: Double, griffinlim_rtf: Double
        public let wavenet_ms: Double, wavenet_rtf: Double
        public let wavenet_parameters: Int
        /// The peer's median, and the median over rounds of peer time / FunAudio time.
        public let torch_vocos_ms: Double?, torch_over_funaudio: Double?
        public let parameters: Int
        public let audio_seconds: Double
        public let threads: Int

        public var text: String {
            var lines = ["Vocoder benchmark: \(fixed(audio_seconds, 0)) s of 22.05 kHz audio from its 80-band log-mel, \(threads) threads",
                         "vocos (\(parameters.formatted()) parameters)  \(fixed(vocos_ms, 2)) ms   RTF \(fixed(vocos_rtf, 4))  (\(fixed(1 / vocos_rtf, 0))× real time)",
                         "Griffin-Lim 32 it.        \(fixed(griffinlim_ms, 2)) ms   RTF \(fixed(griffinlim_rtf, 4))  (\(fixed(1 / griffinlim_rtf, 0))× real time)",
                         "wavenet (\(wavenet_parameters.formatted()) parameters)  \(fixed(wavenet_ms, 2)) ms   RTF \(fixed(wavenet_rtf, 4))  (\(fixed(1 / wavenet_rtf, 1))× real time)"]
            if let torch = torch_vocos_ms, let ratio = torch_over_funaudio {
                lines.append("PyTorch vocos             \(fixed(torch, 2)) ms   (PyTorch / FunAudio, median of rounds: \(fixed(ratio, 2)))")
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(_ settings: Settings = Settings(), withPeer: Bool) throws -> Report {
        var dsp = DSPBenchmark.Settings()
        dsp.seconds = settings.seconds
        let signal = DSPBenchmark.testSignal(dsp)
        let features = MelFormat(sampleRate: dsp.sampleRate, settings: MelSettings())
        let mel = try features.logMel(signal)
        let spec = VocoderSpec(vocos: .init(dim: settings.dim, intermediate: settings.intermediate, layers: settings.layers))
        let vocoder = try spec.makeVocoder(features: features, seed: 1)
        let griffinLim = try GriffinLimVocoder(features: features, config: VocoderConfig(iterations: 32, momentum: 0.99))
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("funaudio-bench-vocoder-\(ProcessInfo.processInfo.processIdentifier).npy")
        defer { try? FileManager.default.removeItem(at: file) }
        if withPeer { try NumPyFile.write(mel.values, shape: [mel.frames, mel.bands], to: file) }

        _ = try vocode(vocoder, mel)  // warm-up
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<max(1, settings.rounds) {
            ours.append(try medianMilliseconds(settings.repeats) { _ = try vocode(vocoder, mel) })
            if withPeer {
                struct PeerRound: Decodable { let vocos_ms: Double }
                theirs.append(try Peer.decode(PeerRound.self, from: "bench_vocoder.py", arguments: [
                    file.path, "--dim", "\(settings.dim)", "--intermediate", "\(settings.intermediate)",
                    "--layers", "\(settings.layers)", "--n-fft", "\(features.settings.nFFT)",
                    "--hop", "\(features.settings.hopLength)", "--repeats", "\(settings.repeats)",
                    "--threads", "\(Parallel.threadCount)"]).vocos_ms)
            }
        }
        let griffinLimMs = try medianMilliseconds(max(3, settings.repeats / 3)) { _ = try griffinLim(mel) }
        let wavenet = try VocoderSpec(kind: .wavenet, vocos: spec.vocos, wavenet: settings.wavenet)
            .makeVocoder(features: features, seed: 1)
        _ = try vocode(wavenet, mel)  // warm-up
        let wavenetMs = try medianMilliseconds(max(1, settings.repeats / 5)) { _ = try vocode(wavenet, mel) }
        let vocosMs = Measure.median(ours)
        let audio = Double(signal.count) / Double(dsp.sampleRate)
        return Report(vocos_ms: vocosMs, vocos_rtf: vocosMs / 1000 / audio,
                      griffinlim_ms: griffinLimMs, griffinlim_rtf: griffinLimMs / 1000 / audio,
                      wavenet_ms: wavenetMs, wavenet_rtf: wavenetMs / 1000 / audio, wavenet_parameters: wavenet.parameterCount,
                      torch_vocos_ms: theirs.isEmpty ? nil : Measure.median(theirs),
                      torch_over_funaudio: theirs.isEmpty ? nil : Measure.median(zip(theirs, ours).map(/)),
                      parameters: vocoder.parameterCount, audio_seconds: audio, threads: Parallel.threadCount)
    }

    /// The median of `repeats` timed runs (after the caller's warm-up).
    static func medianMilliseconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return Measure.median(times)
    }
}
