import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench dsp`: FunAudio's STFT, mel and Griffin-Lim against torch/torchaudio and librosa.
struct BenchDSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dsp",
        abstract: "Time STFT, mel and Griffin-Lim (32 iterations) on 10 s of 22.05 kHz audio against torch.stft, torchaudio and librosa.",
        discussion: """
            Uses FunAudio's training features on both sides (n_fft 1024, hop 256, 80 bands up to \
            8 kHz, magnitude mel, Slaney scale and norm) and Griffin-Lim's defaults (momentum \
            0.99, random initial phase), and times in interleaved rounds (FunAudio, peers, \
            FunAudio, peers …; one warm-up round first) against torch.stft, torchaudio's \
            MelSpectrogram and GriffinLim and librosa (scripts/peers/bench_dsp.py, kept running \
            between rounds; torch on as many threads as FunAudio). Prints medians, \
            FunAudio/peer as the median of the per-round ratios with a 95 % interval, and the \
            load average before and after.
            """)
    @Flag(help: "Print the figures as JSON (stft_ms, mel_ms, griffinlim_ms, librosa, torch, speedup, torch_stft_ratio, librosa_mel_ratio, …, load_before, load_after).")
    var json = false
    @Flag(help: "Do not run the peers (no Python needed).") var noPeer = false
    @Option(help: "Timed rounds (after one warm-up round).") var rounds = 15
    @Option(help: "STFT and mel runs per round (their median is the round's figure).") var repeats = 5
    @Option(help: "Griffin-Lim runs per round.") var griffinlimRepeats = 1

    func validate() throws {
        guard rounds >= 1, repeats >= 1, griffinlimRepeats >= 1 else {
            throw ValidationError("--rounds, --repeats and --griffinlim-repeats must be at least 1")
        }
    }

    func run() throws {
        var settings = DSPBenchmark.Settings()
        settings.rounds = rounds
        settings.repeats = repeats
        settings.griffinLimRepeats = griffinlimRepeats
        let report = try DSPBenchmark.run(settings, withPeer: !noPeer) { round in
            if !json && (round == 1 || round % 5 == 0) { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
