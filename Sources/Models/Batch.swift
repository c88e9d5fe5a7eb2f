import Foundation
import Tensor

/// Utterances padded to common lengths, as tensors, with masks (1 = real, 0 = padding) and
/// padding masks (the complement, as attention's key-padding masks want).
public struct Batch {
    public let size: Int
    /// Token ids `[B, T]` row-major, 0 at padding.
    public let tokens: [Int]
    public let tokenCount: Int
    /// Real tokens and real frames of each utterance.
    public let tokenLengths: [Int], frameLengths: [Int]
    public let tokenMask: Tensor, tokenPadding: Tensor            // [B, T]
    /// Frames per token (0 at padding), for length regulation with ground-truth durations;
    /// nil when the utterances have none (their durations are learned: ``settingDurations(_:)``).
    public private(set) var durations: [[Int]]?
    /// `ln(d + 1)` per token `[B, T, 1]`: the duration predictor's target (nil with ``durations``).
    public private(set) var logDurations: Tensor?
    public let mel: Tensor                                        // [B, F, n_mels]
    public let frameMask: Tensor                                  // [B, F]
    public let frameCount: Int
    public let reference: Tensor                                  // [B, R, n_mels]
    public let referenceMask: Tensor, referencePadding: Tensor    // [B, R]
    public let wordFeatures: Tensor?                              // [B, T, word dim]
    /// The utterances' word pieces for a fine-tuned BERT (``FusionTTS/bert``), if the batch is made for one.
    public let bert: BERTBatch?
    /// Frame pitch, voicing, continuous pitch and energy targets `[B, F, 1]` (see ``FrameTargets``).
    public let pitch: Tensor, voicing: Tensor, smoothPitch: Tensor, energy: Tensor

    /// `wordFeatureDim`: the width of the utterances' precomputed word features, nil for none;
    /// `bertInput`: pad the utterances' ``Utterance/bertInput`` for a fine-tuned BERT.
    public init(_ items: [Utterance], nMels: Int, wordFeatureDim: Int?, bertInput: Bool = false) {
        precondition(!items.isEmpty, "Batch: no utterances")
        let size = items.count
        self.size = size
        let t = items.map(\.tokens.count).max()!, f = items.map(\.mel.frames).max()!
        let r = items.map(\.reference.frames).max()!
        tokenCount = t
        frameCount = f
        var ids = [Int](repeating: 0, count: size * t)
        var mels = [Float](repeating: 0, count: size * f * nMels)
        var refs = [Float](repeating: 0, count: size * r * nMels)
        var pitchValues = [Float](repeating: 0, count: size * f)
        var (voicingValues, smoothPitchValues, energyValues) = (pitchValues, pitchValues, pitchValues)
        var words: [Float]? = wordFeatureDim.map { [Float](repeating: 0, count: size * t * $0) }
        for (b, u) in items.enumerated() {
            precondition(u.mel.bands == nMels && u.reference.bands == nMels,
                         "Batch: utterance \(u.id) has \(u.mel.bands)/\(u.reference.bands) mel bands, the model \(nMels)")
            for (i, id) in u.tokens.enumerated() { ids[b * t + i] = id }
            mels.replaceSubrange(b * f * nMels ..< b * f * nMels + u.mel.values.count, with: u.mel.values)
            refs.replaceSubrange(b * r * nMels ..< b * r * nMels + u.reference.values.count, with: u.reference.values)
            let targets = FrameTargets(u.mel, f0: u.f0)
            pitchValues.replaceSubrange(b * f ..< b * f + u.mel.frames, with: targets.pitch)
            voicingValues.replaceSubrange(b * f ..< b * f + u.mel.frames, with: targets.voicing)
            smoothPitchValues.replaceSubrange(b * f ..< b * f + u.mel.frames, with: targets.smoothPitch)
            energyValues.replaceSubrange(b * f ..< b * f + u.mel.frames, with: targets.energy)
            if let dim = wordFeatureDim {
                guard let w = u.wordFeatures else { preconditionFailure("Batch: utterance \(u.id) has no word features, the model wants \(dim) per token") }
                precondition(w.count == u.tokens.count * dim, "Batch: utterance \(u.id) word features \(w.count) ≠ \(u.tokens.count) × \(dim)")
                words!.replaceSubrange(b * t * dim ..< b * t * dim + w.count, with: w)
            }
        }
        tokens = ids
        tokenLengths = items.map(\.tokens.count)
        frameLengths = items.map(\.mel.frames)
        let known = items.compactMap(\.durations)
        if known.count == size {
            (durations, logDurations) = Batch.padded(known, tokenCount: t)
        }
        tokenMask = Batch.mask(items.map(\.tokens.count), length: t)
        tokenPadding = 1 - tokenMask
        mel = Tensor(mels, shape: [size, f, nMels])
        frameMask = Batch.mask(items.map(\.mel.frames), length: f)
        reference = Tensor(refs, shape: [size, r, nMels])
        referenceMask = Batch.mask(items.map(\.reference.frames), length: r)
        referencePadding = 1 - referenceMask
        wordFeatures = words.map { Tensor($0, shape: [size, t, wordFeatureDim!]) }
        bert = !bertInput ? nil : BERTBatch(items.map { u in
            guard let input = u.bertInput else { preconditionFailure("Batch: utterance \(u.id) has no BERT input, the model fine-tunes BERT") }
            return input
        }, tokenCount: t)
        pitch = Tensor(pitchValues, shape: [size, f, 1])
        voicing = Tensor(voicingValues, shape: [size, f, 1])
        smoothPitch = Tensor(smoothPitchValues, shape: [size, f, 1])
        energy = Tensor(energyValues, shape: [size, f, 1])
    }

    /// The batch with `durations` (one per real token, e.g. the aligner's) in place of its own.
    public func settingDurations(_ durations: [[Int]]) -> Batch {
        precondition(durations.map(\.count) == tokenLengths,
                     "Batch: durations for \(durations.map(\.count)) tokens, the batch has \(tokenLengths)")
        var copy = self
        (copy.durations, copy.logDurations) = Batch.padded(durations, tokenCount: tokenCount)
        return copy
    }

    /// Durations padded with 0 to `tokenCount`, and their `ln(d + 1)` `[B, T, 1]`.
    static func padded(_ durations: [[Int]], tokenCount t: Int) -> ([[Int]], Tensor) {
        var logD = [Float](repeating: 0, count: durations.count * t)
        for (b, row) in durations.enumerated() {
            for (i, d) in row.enumerated() { logD[b * t + i] = Float(log(Double(d + 1))) }
        }
        return (durations.map { $0 + Array(repeating: 0, count: t - $0.count) },
                Tensor(logD, shape: [durations.count, t, 1]))
    }

    /// `[B, length]`: 1 for the first `lengths[b]` positions of row `b`, 0 after.
    static func mask(_ lengths: [Int], length: Int) -> Tensor {
        var values = [Float](repeating: 0, count: lengths.count * length)
        for (b, n) in lengths.enumerated() {
            for i in 0..<n { values[b * length + i] = 1 }
        }
        return Tensor(values, shape: [lengths.count, length])
    }
}
