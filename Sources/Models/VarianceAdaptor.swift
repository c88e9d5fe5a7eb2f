import Foundation
import NN
import Tensor

/// FastSpeech 2's variance predictor: two ``ConvBlock``s (kernel 3) with dropout, then a
/// linear map to one value per position:
///
/// ```
/// y = W · dropout(block₂(dropout(block₁(x))))      x [B, L, d] → y [B, L, 1]
/// ```
public final class VariancePredictor: Module {
    public let blocks: [ConvBlock]
    public let linear: Linear
    let dropout: Dropout

    init(dim: Int, dropout: Float, source: DropoutSource, generator: inout SplitMix64) {
        blocks = (0..<2).map { _ in ConvBlock(dim, dim, kernel: 3, generator: &generator) }
        linear = Linear(dim, 1, generator: &generator)
        self.dropout = Dropout(dropout, source: source)
    }

    func callAsFunction(_ x: Tensor, mask: Tensor) -> Tensor {
        var h = x
        for block in blocks { h = dropout(block(h).masked(mask)) }
        return linear(h).masked(mask)
    }
}

/// Durations, length regulation and the optional pitch and energy of FastSpeech 2
/// (Ren et al. 2021):
///
/// ```
/// log_duration = DurationPredictor(x)                       [B, T, 1], target ln(d + 1)
/// d = ground truth (training)   |   max(1, round(exp(log_duration) − 1)) (inference)
/// h = repeat each x_t d_t times                             [B, F, d]
/// pitch  = PitchPredictor(h);   h += W_p · p,  p = pitch target in training, else pitch
///   with `decoder.relative_pitch`: pitch = PitchPredictor(h) + level(reference)   (``ReferencePitch``)
///   with `decoder.voicing`:     v_logit = VoicingPredictor(h);  v = voicing target, else [v_logit > 0]
///                               h += W_v · v,  and p is the continuous pitch, gated by v below
///                               h += W_c · HarmonicComb(p · v)  (with `decoder.harmonics`)
/// energy = EnergyPredictor(h);  h += W_e · (energy target in training, else energy)
/// ```
/// Pitch, voicing and energy are frame-level (``FrameTargets``); their embeddings `W_p`,
/// `W_v`, `W_e` are `Linear(1, d)`, `W_c` is `Linear(n_mels, d)`. Predicting after regulation
/// keeps one code path for training and inference (no phoneme-averaged targets).
public final class VarianceAdaptor: Module {
    @Key("duration_predictor") public var durationPredictor: VariancePredictor
    @Key("pitch_predictor") public var pitchPredictor: VariancePredictor?
    @Key("pitch_embedding") public var pitchEmbedding: Linear?
    @Key("harmonic_embedding") public var harmonicEmbedding: Linear?
    let harmonicComb: HarmonicComb?
    /// With `decoder.relative_pitch`: reads the level the pitch predictor's output is relative to.
    let referencePitch: ReferencePitch?
    @Key("voicing_predictor") public var voicingPredictor: VariancePredictor?
    @Key("voicing_embedding") public var voicingEmbedding: Linear?
    @Key("energy_predictor") public var energyPredictor: VariancePredictor?
    @Key("energy_embedding") public var energyEmbedding: Linear?

    init(_ config: ModelConfig, source: DropoutSource, generator: inout SplitMix64) {
        let (d, p) = (config.dim, Float(config.textEncoder.dropout))
        _durationPredictor.wrappedValue = VariancePredictor(dim: d, dropout: p, source: source, generator: &generator)
        func predictor(_ on: Bool) -> (VariancePredictor?, Linear?) {
            on ? (VariancePredictor(dim: d, dropout: p, source: source, generator: &generator), Linear(1, d, generator: &generator))
               : (nil, nil)
        }
        (_pitchPredictor.wrappedValue, _pitchEmbedding.wrappedValue) = predictor(config.decoder.pitch)
        let harmonics = config.decoder.pitch && config.decoder.harmonics
        _harmonicEmbedding.wrappedValue = harmonics ? Linear(config.features.nMels, d, generator: &generator) : nil
        harmonicComb = harmonics ? HarmonicComb(features: config.features) : nil
        let relative = config.decoder.pitch && config.decoder.voicing && config.decoder.relativePitch
        referencePitch = relative ? ReferencePitch(features: config.features) : nil
        (_voicingPredictor.wrappedValue, _voicingEmbedding.wrappedValue) = predictor(config.decoder.pitch && config.decoder.voicing)
        (_energyPredictor.wrappedValue, _energyEmbedding.wrappedValue) = predictor(config.decoder.energy)
    }

    /// Frames per token from predicted log durations `[B, T, 1]` (0 at padding): at least one
    /// frame per token at inference, so that every symbol is spoken.
    static func frames(fromLogDurations logDurations: Tensor, tokenMask: Tensor) -> [[Int]] {
        let (b, t) = (logDurations.shape[0], logDurations.shape[1])
        let values = logDurations.scalars, mask = tokenMask.scalars
        return (0..<b).map { row in
            (0..<t).map { i in
                mask[row * t + i] > 0 ? max(1, Int((Foundation.exp(Double(values[row * t + i])) - 1).rounded())) : 0
            }
        }
    }

    /// The frame targets teacher forcing puts in place of the predictions (``Batch``'s).
    struct Targets {
        var pitch: Tensor, voicing: Tensor, smoothPitch: Tensor, energy: Tensor
    }

    /// Predictions of ``addVariances(_:frameMask:targets:)``: pitch (the continuous one with a
    /// voicing predictor), voicing logits, energy, each `[B, F, 1]` or nil without its predictor.
    struct Variances {
        var features: Tensor
        var pitch: Tensor? = nil, voicing: Tensor? = nil, energy: Tensor? = nil
    }

    /// Adds predicted (or, with `targets`, target) pitch, voicing and energy to the regulated
    /// features. `pitchLevels` `[B, 1, 1]`: each reference's level (``referencePitch``), which
    /// the pitch predictor's output is added to.
    func addVariances(_ h: Tensor, frameMask: Tensor, targets: Targets?, pitchLevels: Tensor? = nil) -> Variances {
        var out = Variances(features: h)
        if let pitchPredictor, let pitchEmbedding {
            var predicted = pitchPredictor(out.features, mask: frameMask)
            if let pitchLevels { predicted = (predicted + pitchLevels).masked(frameMask) }
            out.pitch = predicted
            // p is the pitch embedded, gated the pitch where voiced and 0 elsewhere (the comb's).
            var p = targets?.pitch ?? predicted.detached(), gated = p
            if let voicingPredictor, let voicingEmbedding {
                let logits = voicingPredictor(out.features, mask: frameMask)
                out.voicing = logits
                let v = targets?.voicing ?? Tensor(logits.scalars.map { $0 > 0 ? 1 : 0 }, shape: logits.shape)
                p = targets?.smoothPitch ?? predicted.detached()
                gated = p * v
                out.features = out.features + voicingEmbedding(v).masked(frameMask)
            }
            out.features = out.features + pitchEmbedding(p).masked(frameMask)
            if let harmonicComb, let harmonicEmbedding {
                let (b, f) = (gated.shape[0], gated.shape[1])
                let comb = Tensor(harmonicComb(gated.scalars), shape: [b, f, harmonicComb.bands])
                out.features = out.features + harmonicEmbedding(comb).masked(frameMask)
            }
        }
        if let energyPredictor, let energyEmbedding {
            let predicted = energyPredictor(out.features, mask: frameMask)
            out.energy = predicted
            out.features = out.features + energyEmbedding(targets?.energy ?? predicted.detached()).masked(frameMask)
        }
        return out
    }
}
