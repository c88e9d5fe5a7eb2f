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
            (tokenize + forward) of FunAudio and of scripts/peers/bench_bert.py run in the same \
            invocation, their ratio, and the largest difference of the last hidden states.
            """)

    @Option(help: "A BERT folder; default: $FUNAUDIO_BERT or where scripts/fetch-bert puts all-MiniLM-L6-v2.")
    var model: String?

    @Option(help: "Timed encodings per sentence (the median is reported).")
    var repeats = 20

    @Flag(help: "Print one JSON object (times, ratios, largest differences) instead of a table.")
    var json = false

    @Flag(help: "Do not run the transformers peer.")
    var noPeer = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1") }
    }

    func run() throws {
        let folder = URL(fileURLWithPath: model ?? PretrainedBERT.defaultFolder.path)
        print(try BERTBenchmark.compare(folder: folder, repeats: repeats, withPeer: !noPeer).rendered(json: json))
    }
}
