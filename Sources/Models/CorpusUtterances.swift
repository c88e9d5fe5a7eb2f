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
///
/// With `learnDurations` the model's aligner learns the durations: utterances carry none
/// (the corpus's, if it has them, become ``Utterance/trueDurations``, the truth the learned
/// ones are measured against), and those with fewer mel frames than phonemes are left out
/// (``tooShort``), since an alignment gives every phoneme a frame.
public struct CorpusUtterances {
    public let symbols: [String]
    public let features: MelFormat
    public let train: [Utterance], validation: [Utterance], unseenSpeakers: [Utterance]
    /// Ids of the utterances left out for having fewer frames than phonemes (learned durations only).
    public let tooShort: [String]

    public init(corpus: Corpus, features mels: MelFeatures, validationFraction: Double, heldOutSpeakers: Int,
                seed: UInt64, learnDurations: Bool = false) throws {
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
        var tooShort: [String] = []
        func utterance(_ i: Int) throws -> Utterance? {
            let item = corpus.items[i]
            let batch = try batcher.batch([i])
            let durations = batch.durations?.values
            guard durations != nil || learnDurations else {
                throw ModelError("corpus item \(item.id) has no phoneme durations (durations.jsonl); set data.durations: learned (or auto) to learn them")
            }
            let same = bySpeaker[item.speaker]!
            let reference = same[(same.firstIndex(of: i)! + 1) % same.count]
            let mel = try logMel(i)
            if learnDurations && mel.frames < batch.phonemes.values.count {
                tooShort.append(item.id)
                return nil
            }
            var u = Utterance(id: item.id, speaker: item.speaker, tokens: batch.phonemes.values,
                              durations: learnDurations ? nil : durations, mel: mel, reference: try logMel(reference))
            if learnDurations { u.trueDurations = durations }
            u.f0 = try mels.f0(of: item.id)
            return u
        }
        let seen = corpus.items.indices.filter { !unseen.contains(corpus.items[$0].speaker) }
        let split = Batching.split(count: seen.count, validationFraction: validationFraction, seed: seed)
        train = try split.train.compactMap { try utterance(seen[$0]) }
        validation = try split.validation.compactMap { try utterance(seen[$0]) }
        unseenSpeakers = try corpus.items.indices.filter { unseen.contains(corpus.items[$0].speaker) }.compactMap(utterance)
        self.tooShort = tooShort
    }
}
