import ArgumentParser
import Audio
import Foundation
import Models
import Tensor

/// `funaudio text bert --model DIR --text "…" --out hidden.npy`: a pretrained BERT's last
/// hidden states (tokens × hidden, float32 .npy), or with `--words` one mean vector per word.
struct TextBERT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bert",
        abstract: "Encode text with a pretrained BERT folder and write its hidden states as .npy.",
        discussion: """
            The folder holds config.json, model.safetensors and vocab.txt (Hugging Face layout); \
            scripts/fetch-bert prints one (all-MiniLM-L6-v2). Also prints the pieces (or words) on \
            one line, in the order of the rows.
            """)

    @Option(help: "A BERT folder (config.json, model.safetensors, vocab.txt); default: $FUNAUDIO_BERT or where scripts/fetch-bert puts all-MiniLM-L6-v2.")
    var model: String?

    @Option(help: "The text (one sentence; [CLS] and [SEP] are added).")
    var text: String

    @Option(help: "The .npy file to write: tokens × hidden (or words × hidden with --words), float32.")
    var out: String

    @Flag(help: "Write one row per whitespace-separated word: the mean of its pieces' states.")
    var words = false

    func run() throws {
        let bert = try PretrainedBERT(folder: model.map { URL(fileURLWithPath: $0) } ?? PretrainedBERT.defaultFolder)
        let labels: [String], states: Tensor
        if words {
            (labels, states) = try bert.wordFeatures(text)
        } else {
            (labels, states) = try bert.encode(text)
        }
        try NumPyFile.write(states.scalars, shape: states.shape, to: URL(fileURLWithPath: out))
        print("\(labels.count) \(words ? "words" : "tokens") × \(states.shape[1]) → \(out)")
        print(labels.joined(separator: " "))
    }
}
