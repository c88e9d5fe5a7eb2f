import ArgumentParser
import Benchmarks
import Foundation

/// `funaudio bench vocoder`: the Vocos vocoder against Griffin-Lim and a PyTorch peer, and the WaveNet vocoder.
struct BenchVocoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocoder",
        abstract: "Time the Vocos vocoder on 10 s of 22.05 kHz audio against Griffin-Lim (32 iterations) and PyTorch's copy of the network, and the WaveNet vocoder (train_vocoder's default sizes) on the same mel.")
    @Flag(help: "Print the figures as JSON (vocos_ms, vocos_rtf, griffinlim_ms, griffinlim_rtf, wavenet_ms, wavenet_rtf, wavenet_parameters, torch_vocos_ms, torch_over_funaudio).")
    var json = false
    @Flag(help: "Do not run PyTorch (no Python needed).") var noPeer = false
    @Option(help: "Timed forwards per round.") var repeats = 10
    @Option(help: "Interleaved rounds of FunAudio and PyTorch.") var rounds = 3
    @Option(help: "Backbone channels.") var dim = 128
    @Option(help: "ConvNeXt hidden width.") var intermediate = 384
    @Option(help: "ConvNeXt blocks.") var layers = 6

    func run() throws {
        var settings = VocoderBenchmark.Settings()
        (settings.repeats, settings.rounds) = (repeats, rounds)
        (settings.dim, settings.intermediate, settings.layers) = (dim, intermediate, layers)
        print(try VocoderBenchmark.run(settings, withPeer: !noPeer).rendered(json: json))
    }
}
