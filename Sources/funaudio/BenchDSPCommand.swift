import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench dsp`: FunAudio's STFT, mel and Griffin-Lim against librosa's.
struct BenchDSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dsp",
        abstract: "Time STFT, mel and Griffin-Lim (32 iterations) on 10 s of 22.05 kHz audio against librosa.")
    @Flag(help: "Print the figures as JSON (stft_ms, mel_ms, griffinlim_ms, librosa, speedup).") var json = false
    @Flag(help: "Do not run librosa (no Python needed).") var noPeer = false
    @Option(help: "Timed runs per measurement.") var repeats = 30

    func run() throws {
        var settings = DSPBenchmark.Settings()
        settings.repeats = repeats
        let report = try DSPBenchmark.run(settings, withPeer: !noPeer)
        print(report.rendered(json: json))
    }
}
