import ArgumentParser
import Audio
import Benchmarks
import Foundation
import Models

/// `funaudio bench synth`: twenty sentences in one voice, one process.
struct BenchSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Time speaking twenty sentences in one voice in one process (as synth --text-file does): the real-time factor.",
        discussion: """
            Needs a trained model: an untrained one predicts one frame per phoneme, and its \
            real-time factor would mean nothing. Export one with `funaudio export RUN --artifact \
            checkpoint-600.safetensors --out DIR`, and take any recording of a voice as the reference.

            Example: funaudio bench synth --checkpoint DIR/checkpoint-600.safetensors --reference voice.wav
            """)

    @Option(help: "Model checkpoint (.safetensors written by training).") var checkpoint: String
    @Option(help: "Reference recording of the voice.") var reference: String
    @Option(help: "A trained vocoder checkpoint; default: Griffin-Lim.") var vocoder: String?
    @Option(help: "CPU threads.") var threads = 1
    @Option(help: "Timed rounds (after one warm-up).") var rounds = 5
    @Flag(help: "Print JSON (real_time_factor, seconds, cpu_seconds, audio_seconds, …) instead of text.") var json = false

    func validate() throws {
        guard threads >= 1, rounds >= 1 else { throw ValidationError("--threads and --rounds must be at least 1") }
    }

    func run() throws {
        let synthesizer = try Synthesizer(checkpoint: URL(fileURLWithPath: checkpoint),
                                          vocoder: vocoder.map { URL(fileURLWithPath: $0) })
        let voice = try AudioFile.read(URL(fileURLWithPath: reference)).resampled(to: synthesizer.model.config.features.sampleRate)
        let report = try SynthBench.run(synthesizer, reference: synthesizer.referenceMel(voice.samples), threads: threads,
                                        rounds: rounds)
        print(report.rendered(json: json))
    }
}
