import Audio
import Data
import Foundation
import Models
import Tensor
import Text
import Tracking

/// `funaudio corpus align`: a trained aligner's durations of a corpus folder, written as the
/// folder's `durations.jsonl`, so that later runs (`data.durations: auto`) read them instead
/// of learning them again.
public enum CorpusAlignment {
    /// What was written.
    public struct Outcome: Sendable {
        public let file: URL
        /// Utterances aligned, and those left out for having fewer frames than phonemes.
        public let aligned: Int
        public let tooShort: [String]
    }

    /// The last checkpoint of run `name` (a run id or experiment name) in `store`.
    public static func checkpoint(ofRun name: String, in store: RunStore) throws -> Checkpoint {
        let run = try store.resolveRun(name)
        let checkpoints = try store.artifacts(run: run).filter { $0.kind == "checkpoint" }
        guard let last = checkpoints.max(by: { ($0.step ?? -1, $0.id) < ($1.step ?? -1, $1.id) }) else {
            throw RunError("run \(run) has no checkpoint; align with a run that trained (or --checkpoint FILE)")
        }
        return try Checkpoint(decoding: store.data(of: last), file: "run \(run) \(last.name)")
    }

    /// Aligns every item of the corpus in `folder` with `checkpoint`'s aligner (features at
    /// the checkpoint's settings, cached under `cache`) and writes `folder/durations.jsonl`
    /// whole or not at all. An existing file is replaced only with `replace`.
    public static func align(folder: URL, checkpoint: Checkpoint, cache: URL, batchSize: Int = 16,
                             replace: Bool = false, skipBad: Bool = false) throws -> Outcome {
        let model = try checkpoint.makeModel()
        guard model.aligner != nil else {
            throw RunError("the checkpoint has no aligner: its model was trained on given durations "
                + "(data.durations: file); align with a run trained with data.durations: learned")
        }
        let file = folder.appendingPathComponent(DurationsFile.name)
        if FileManager.default.fileExists(atPath: file.path) && !replace {
            throw RunError("\(file.path) exists; pass --replace to overwrite it with the aligner's durations")
        }
        let features = model.config.features
        let corpus = try Corpus.load(folder, sampleRate: features.sampleRate, skipBad: skipBad)
        let mels = try MelFeatures.load(for: corpus, settings: features.settings, cache: cache)
        let vocabulary = SymbolVocabulary(symbols: model.config.symbols)
        var utterances: [Utterance] = [], tooShort: [String] = []
        let n = features.nMels
        for item in corpus.items {
            let unknown = item.phonemes.filter { vocabulary.id(of: $0) == SymbolVocabulary.unknownID }
            guard unknown.isEmpty else {
                throw RunError("\(item.id) (\(corpus.root.path)/metadata.csv:\(item.line)) has symbols the model never saw: "
                    + Set(unknown).sorted().joined(separator: " ") + "; align with a model trained on such text")
            }
            let values = try mels.mel(of: item.id)
            let mel = LogMel(frames: values.count / n, bands: n, values: values)
            guard mel.frames >= item.phonemes.count else {
                tooShort.append(item.id)
                continue
            }
            utterances.append(Utterance(id: item.id, speaker: item.speaker, tokens: vocabulary.encode(item.phonemes),
                                        durations: nil, mel: mel, reference: mel))
        }
        let learned = try noGrad {
            try stride(from: 0, to: utterances.count, by: batchSize).flatMap { start in
                let chunk = Array(utterances[start..<min(utterances.count, start + batchSize)])
                return try model.align(Batch(chunk, nMels: n, wordFeatureDim: nil)).durations
            }
        }
        let data = try LearnedDurations.file(Dictionary(uniqueKeysWithValues: zip(utterances.map(\.id), learned)),
                                             corpus: corpus, hop: features.settings.hopLength)
        try StagedFile.write(to: file) { try data.write(to: $0) }
        return Outcome(file: file, aligned: utterances.count, tooShort: tooShort)
    }
}
