import NN
import Tensor

/// The GAN objective a vocoder trains with. With `D` a sub-discriminator's logits on real
/// audio `y` and on generated audio `ŷ`, each averaged over its positions:
/// ```
///                    discriminator                                generator
/// hinge:         mean(max(0, 1 − D(y))) + mean(max(0, 1 + D(ŷ)))      mean(max(0, 1 − D(ŷ)))
/// leastSquares:  mean((1 − D(y))²) + mean(D(ŷ)²)                    mean((1 − D(ŷ))²)
/// ```
/// Hinge is Vocos' (and the default here): the recipe that has to beat Griffin-Lim is the
/// Vocos one, whose loss weights were tuned with it, and its discriminator stops pushing on
/// samples it already judges beyond the margin, which keeps the small batches a CPU affords
/// from driving the critic to extremes. Least squares is HiFi-GAN's and Parallel WaveGAN's,
/// for WaveNet recipes that follow PWG. (The generator's hinge term is Vocos' `clamp(1 − D, 0)`.)
public enum AdversarialLoss: String, Codable, Sendable, CaseIterable {
    case hinge
    case leastSquares = "least_squares"
}

/// The discriminators' loss: the ``AdversarialLoss`` of each sub-discriminator, averaged over
/// them (Vocos divides by their count, so adding periods does not scale the loss). Pass the
/// generated audio detached, so this loss reaches only the discriminators.
public func discriminatorLoss(real: [DiscriminatorOutput], generated: [DiscriminatorOutput],
                              kind: AdversarialLoss = .hinge) -> Tensor {
    nnCheck(!real.isEmpty && real.count == generated.count,
            "discriminatorLoss: \(real.count) real and \(generated.count) generated outputs (need the same, ≥ 1)")
    let terms = zip(real, generated).map { r, g -> Tensor in
        switch kind {
        case .hinge: (1 - r.logits).relu().mean() + (1 + g.logits).relu().mean()
        case .leastSquares: (1 - r.logits).pow(2).mean() + g.logits.pow(2).mean()
        }
    }
    return average(terms)
}

/// The generator's adversarial loss on the discriminators' verdicts on its audio, averaged
/// over the sub-discriminators.
public func generatorAdversarialLoss(generated: [DiscriminatorOutput], kind: AdversarialLoss = .hinge) -> Tensor {
    nnCheck(!generated.isEmpty, "generatorAdversarialLoss: no discriminator output")
    return average(generated.map { g in
        switch kind {
        case .hinge: (1 - g.logits).relu().mean()
        case .leastSquares: (1 - g.logits).pow(2).mean()
        }
    })
}

/// Feature matching (MelGAN, HiFi-GAN, Vocos): the L1 distance between the discriminators'
/// activations on real and on generated audio, `Σ_layers mean|f(y) − f(ŷ)|` per
/// sub-discriminator, averaged over them. The real activations are targets: detached here, so
/// the loss reaches only the generator through `generated` (Vocos weights it by 2 against the
/// adversarial term; HiFi-GAN's sum over discriminators is this times their count).
public func featureMatchingLoss(real: [DiscriminatorOutput], generated: [DiscriminatorOutput]) -> Tensor {
    nnCheck(!real.isEmpty && real.count == generated.count,
            "featureMatchingLoss: \(real.count) real and \(generated.count) generated outputs (need the same, ≥ 1)")
    return average(zip(real, generated).map { r, g in
        nnCheck(r.features.count == g.features.count, "featureMatchingLoss: feature lists of different lengths")
        return zip(r.features, g.features).map { (f, h) in (f.detached() - h).abs().mean() }.reduce(Tensor(scalar: 0), +)
    })
}

private func average(_ terms: [Tensor]) -> Tensor {
    terms.dropFirst().reduce(terms[0], +) / Float(terms.count)
}
