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

    static let sentences = [
        "Hello world.",
        "The quick brown fox jumps over the lazy dog, doesn't it?",
        "In 1984, Dr. Smith paid $3.50 for a café au lait near Zürich!",
        "Unbelievably, the hyperparameters were mis-specified; re-running took 17 hours.",
        "Printing, in the only sense with which we are at present concerned, differs from most if not from all the arts and crafts represented in the Exhibition.",
    ]

    @Option(help: "A BERT folder; default: $FUNAUDIO_BERT or where scripts/fetch-bert puts all-MiniLM-L6-v2.")
    var model: String?

    @Option(help: "Timed encodings per sentence (the median is reported).")
    var repeats = 20

    @Flag(help: "Do not run the transformers peer.")
    var noPeer = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1") }
    }

    func run() throws {
        let folder = model ?? PretrainedBERT.defaultFolder.path
        let result = try BERTBenchmark.run(folder: URL(fileURLWithPath: folder), sentences: Self.sentences, repeats: repeats)
        let peer = noPeer ? nil : try Peer.run("bench_bert.py", arguments: ["--model", folder, "--repeats", String(repeats)] + Self.sentences)
        func f(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        var line = "load          FunAudio \(f(result.loadMilliseconds)) ms"
        if let peerLoad = peer?["load_ms"] as? Double { line += ", transformers \(f(peerLoad)) ms" }
        print(line)
        let peerEncode = peer?["encode_ms"] as? [Double], peerHidden = peer?["hidden"] as? [[[Double]]]
        for (i, hidden) in result.hidden.enumerated() {
            var line = "sentence \(i + 1)    \(hidden.shape[0]) tokens: FunAudio \(f(result.encodeMilliseconds[i], 2)) ms"
            if let peerEncode {
                line += ", transformers \(f(peerEncode[i], 2)) ms, ratio \(f(result.encodeMilliseconds[i] / peerEncode[i], 2))"
            }
            if let reference = peerHidden?[i].joined() {
                let error = zip(hidden.scalars, reference).reduce(0.0) { worst, pair in
                    let d = abs(Double(pair.0) - pair.1)
                    return d > worst || d.isNaN ? d : worst
                }
                line += ", max |Δ| \(String(format: "%.2e", error))"
            }
            print(line)
        }
        if let peer { print("transformers \(peer["transformers"] ?? "?"), torch \(peer["torch"] ?? "?"), \(peer["threads"] ?? "?") threads") }
    }
}
