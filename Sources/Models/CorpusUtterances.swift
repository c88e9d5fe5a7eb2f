import Data
import Foundation
import Text

/// A corpus (Data) as the model's utterances, split three ways:
///
/// - the last `heldOutSpeakers` speakers are *unseen voices*: none of their recordings is
///   trained on; their utterances score the model on a voice it never heard;
/// - the other speakers' utterances are split (Data's seeded split) into training and
///   validation.
///
/// Each utterance's reference is another recording of the same speaker (the next one in
/// corpus order, cyclically), so the model learns the voice, not a copy of the target.
public struct CorpusUtterances {
    public let symbols: [String]
    public let features: MelFormat
    public let train: [Utterance], validation: [Utterance], unseenSpeakers: [Utterance]

    public init(corpus: Corpus, features mels: MelFeatures, validationFraction: Double, heldOutSpeakers: Int,
                seed: UInt64) throws {
        let batcher = CorpusBatcher(corpus: corpus, features: mels)
        symbols = batcher.vocabulary.symbols
        features = MelFormat(sampleRate: corpus.sampleRate, settings: mels.settings)
        try corpus.checkHeldOutSpeakers(heldOutSpeakers)
        let unseen = Set(corpus.speakers.suffix(heldOutSpeakers))
        var bySpeaker: [String: [Int]] = [:]
        for (i, item) in corpus.items.enumerated() { bySpeaker[item.speaker, default: []].append(i) }
        let n = mels.settings.nMels
        func logMel(_ i: Int) throws -> LogMel {
            let values = try mels.mel(of: corpus.items[i].id)
            return LogMel(frames: values.count / n, bands: n, values: values)
        }
        func utterance(_ i: Int) throws -> Utterance {
            let item = corpus.items[i]
            let batch = try batcher.batch([i])
            guard let durations = batch.durations?.values else {
                throw ModelError("corpus item \(item.id) has no phoneme durations (durations.jsonl); the duration predictor needs them")
            }
            let same = bySpeaker[item.speaker]!
            let reference = same[(same.firstIndex(of: i)! + 1) % same.count]
            return Utterance(id: item.id, speaker: item.speaker, tokens: batch.phonemes.values,
                             durations: durations, mel: try logMel(i), reference: try logMel(reference))
        }
        let seen = corpus.items.indices.filter { !unseen.contains(corpus.items[$0].speaker) }
        let split = Batching.split(count: seen.count, validationFraction: validationFraction, seed: seed)
        train = try split.train.map { try utterance(seen[$0]) }
        validation = try split.validation.map { try utterance(seen[$0]) }
        unseenSpeakers = try corpus.items.indices.filter { unseen.contains(corpus.items[$0].speaker) }.map(utterance)
    }
}
