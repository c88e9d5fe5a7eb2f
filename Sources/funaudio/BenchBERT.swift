import ArgumentParser
import Benchmarks
import Foundation
import Models

/// `funaudio bench bert`: loading and encoding with a pretrained BERT against transformers.
struct BenchBERT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert",
        abstract: "Time a pretrained BERT folder (load, encode per sentence) against Hugging Face transformers.",
        discussion: """
            Prints the load time, then per sentence its tokens, the median encode time \
            (tokenize + forward) of FunAudio and of scripts/peers/bench_bert.py, timed in \
            interleaved rounds (every sentence here, then every sentence in transformers; one \
            warm-up round first), FunAudio/transformers as the median of the per-round ratios \
            with a 95 % interval, the largest difference of the last hidden states and the load \
            average before and after.
            """)

    @Option(help: "A BERT folder; default: $FUNAUDIO_BERT or where scripts/fetch-bert puts all-MiniLM-L6-v2.")
    var model: String?

    @Option(help: "Timed rounds (after one warm-up round).")
    var rounds = 10

    @Option(help: "Encodings per sentence and round (their median is the round's figure).")
    var repeats = 5

    @Flag(help: "Print one JSON object (load_ms, encode_ms, peer, ratios, encode_ratio, max_abs_difference, load_before, load_after).")
    var json = false

    @Flag(help: "Do not run the transformers peer.")
    var noPeer = false

    func validate() throws {
        guard rounds >= 1, repeats >= 1 else { throw ValidationError("--rounds and --repeats must be at least 1") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: model ?? PretrainedBERT.defaultFolder.path)
        let report = try BERTBenchmark.compare(folder: folder, rounds: rounds, repeats: repeats, withPeer: !noPeer) { round in
            if !json && (round == 1 || round % 5 == 0) { print("round \(round) of \(rounds)") }
        }
        print(report.rendered(json: json))
    }
}
