import Foundation
import Text

/// What a model step reads: phoneme ids, log-mels and (when the corpus has them) phoneme
/// durations in frames, padded to the longest item of the batch, with masks.
public struct TrainingBatch: Sendable {
    public var ids: [String]
    /// Phoneme ids (``SymbolVocabulary``), padded with `<pad>` (0).
    public var phonemes: PaddedBatch<Int>
    /// Log-mel frames, `width` = nMels, padded with the log floor (silence).
    public var mels: PaddedBatch<Float>
    /// Frames per phoneme, padded with 0; each row sums to the item's frame count.
    public var durations: PaddedBatch<Int>?
    /// Index of each item's speaker in ``CorpusBatcher/speakers``.
    public var speakers: [Int]
}

/// Makes ``TrainingBatch``es of a corpus with its vocabulary and cached features.
public struct CorpusBatcher: Sendable {
    public let corpus: Corpus
    public let vocabulary: SymbolVocabulary
    public let features: MelFeatures
    public let speakers: [String]

    /// The vocabulary defaults to every phoneme of the corpus (see
    /// ``SymbolVocabulary/init(collecting:)``).
    public init(corpus: Corpus, features: MelFeatures, vocabulary: SymbolVocabulary? = nil) {
        self.corpus = corpus
        self.features = features
        self.vocabulary = vocabulary ?? SymbolVocabulary(collecting: corpus.items.map(\.phonemes))
        speakers = corpus.speakers
    }

    /// Mel frames per item, for ``Batching/bucketedBatches(indices:lengths:batchSize:bucketWidth:seed:epoch:dropLast:)``.
    public var frameCounts: [Int] { corpus.items.map { features.frames(of: $0.id) ?? 0 } }

    /// The batch of the items at `indices`.
    public func batch(_ indices: [Int]) throws -> TrainingBatch {
        let items = indices.map { corpus.items[$0] }
        let settings = features.settings
        let mels = try items.map { try features.mel(of: $0.id) }
        var durations: [[Int]]? = nil
        if items.allSatisfy({ $0.alignment != nil }) {
            durations = items.map { item in
                let samplesPerFrame = Double(settings.hopLength) * Double(item.audioSampleRate)
                    / Double(corpus.sampleRate)
                return FrameDurations.from(samples: item.alignment!.map(\.duration),
                                           samplesPerFrame: samplesPerFrame,
                                           frameCount: features.frames(of: item.id) ?? 0)
            }
        }
        let speakerIndex = Dictionary(uniqueKeysWithValues: speakers.enumerated().map { ($1, $0) })
        return TrainingBatch(
            ids: items.map(\.id),
            phonemes: PaddedBatch(items.map { vocabulary.encode($0.phonemes) }, padValue: SymbolVocabulary.paddingID),
            mels: PaddedBatch(mels, width: settings.nMels, padValue: log(settings.logFloor)),
            durations: durations.map { PaddedBatch($0, padValue: 0) },
            speakers: items.map { speakerIndex[$0.speaker] ?? 0 })
    }
}
