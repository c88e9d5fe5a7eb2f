import NN
import Tensor

/// `train_vocoder.gan.*`: the adversary a vocoder trains against from `gan_start` on. The
/// defaults are small enough for a 2-core CPU (a few thousand parameters per
/// sub-discriminator, where HiFi-GAN's MPD alone has 41 M): on so little compute the
/// discriminators must stay cheap beside the generator they judge.
public struct GANConfig: Codable, Sendable, Equatable {
    public var loss: AdversarialLoss
    /// Weight of the generator's adversarial term (Vocos: 1).
    public var adversarialWeight: Double
    /// Weight of the feature-matching term (Vocos: 2).
    public var featureMatchingWeight: Double
    /// The discriminators' Adam learning rate, constant.
    public var lr: Double
    /// Periods of the multi-period discriminator (empty: none).
    public var periods: [Int]
    /// Output channels of each period discriminator's convs.
    public var periodChannels: [Int]
    /// Channels of the multi-resolution discriminator's convs (0: no MRD). Its resolutions are
    /// the STFT loss's, scaled to the features' FFT size.
    public var resolutionChannels: Int

    public init(loss: AdversarialLoss = .hinge, adversarialWeight: Double = 1, featureMatchingWeight: Double = 2,
                lr: Double = 2e-4, periods: [Int] = [2, 3, 5], periodChannels: [Int] = [8, 16, 32],
                resolutionChannels: Int = 8) {
        self.loss = loss; self.adversarialWeight = adversarialWeight; self.featureMatchingWeight = featureMatchingWeight
        self.lr = lr; self.periods = periods; self.periodChannels = periodChannels
        self.resolutionChannels = resolutionChannels
    }

    /// The discriminators these settings give for STFTs of `nFFT` points.
    public func discriminatorConfig(nFFT: Int) -> DiscriminatorConfig {
        DiscriminatorConfig(periods: periods, periodChannels: periodChannels,
                            resolutions: resolutionChannels > 0 ? STFTResolution.scaled(toNFFT: nFFT) : [],
                            resolutionChannels: max(1, resolutionChannels))
    }

    /// The first `gan.*` key (snake_case, as the experiment file spells it) that cannot build
    /// discriminators for STFTs of `nFFT` points, and why; nil if none.
    public func problem(nFFT: Int) -> (key: String, message: String)? {
        do { try discriminatorConfig(nFFT: nFFT).validate() } catch {
            guard case let .badConfig(key, value, reason)? = error as? DiscriminatorError else { return ("periods", "\(error)") }
            switch key {
            case "periods" where periods.isEmpty: return ("periods", "is empty and resolution_channels is 0: nothing would judge")
            case "periodChannels": return ("period_channels", "= \(value) \(reason)")
            default: return (key, "= \(value) \(reason)")
            }
        }
        for (key, value) in [("adversarial_weight", adversarialWeight), ("feature_matching_weight", featureMatchingWeight)]
        where !(value >= 0) { return (key, "= \(value) must be a number ≥ 0") }
        if !(lr > 0) { return ("lr", "= \(lr) must be positive") }
        return nil
    }
}

/// The GAN half of vocoder training (Vocos, HiFi-GAN, MB-MelGAN): multi-period and
/// multi-resolution ``Discriminators`` with their own Adam (β = 0.8, 0.99, HiFi-GAN's), and
/// the generator's adversarial and feature-matching terms, joined to the spectral loss by
/// ``VocoderTrainer`` from `gan_start` on (see ``VocoderAdversary``).
///
/// Losses it reports, recorded as `train.<name>`: `discriminator` (the critics' loss before
/// their step), `adversarial` and `feature_matching` (the generator's terms, unweighted).
public final class GANAdversary: VocoderAdversary {
    public let config: GANConfig
    public let discriminators: Discriminators
    public let optimizer: Adam

    /// Discriminators for mels of `features`, weights drawn from `seed`.
    public init(config: GANConfig, features: MelFormat, seed: UInt64) throws {
        if let (key, message) = config.problem(nFFT: features.settings.nFFT) {
            throw ModelError("train_vocoder: gan.\(key) \(message)")
        }
        self.config = config
        var generator = SplitMix64(seed: seed ^ 0xD15C_0000_0000_0001)
        discriminators = try Discriminators(config: config.discriminatorConfig(nFFT: features.settings.nFFT), generator: &generator)
        optimizer = Adam(discriminators.namedParameters(), learningRate: Float(config.lr), beta1: 0.8, beta2: 0.99)
    }

    /// The shortest waveform the discriminators judge.
    public var minimumSamples: Int { discriminators.minimumSamples }

    public func trainDiscriminators(real: Tensor, fake: Tensor, step: Int) throws -> [String: Double] {
        // Also clears what the generator's last backward pass left in the critics' gradients.
        optimizer.zeroGrad()
        let loss = discriminatorLoss(real: try discriminators(waveform: real),
                                     generated: try discriminators(waveform: fake.detached()), kind: config.loss)
        try loss.checkFinite("discriminator loss")
        loss.backward()
        optimizer.step()
        return ["discriminator": Double(loss.item())]
    }

    public func generatorLoss(real: Tensor, fake: Tensor) throws -> (Tensor, [String: Double]) {
        let targets = try noGrad { try discriminators(waveform: real) }
        let judged = try discriminators(waveform: fake)
        let adversarial = generatorAdversarialLoss(generated: judged, kind: config.loss)
        let matching = featureMatchingLoss(real: targets, generated: judged)
        let total = adversarial * Float(config.adversarialWeight) + matching * Float(config.featureMatchingWeight)
        return (total, ["adversarial": Double(adversarial.item()), "feature_matching": Double(matching.item())])
    }

    public func stateDict() -> (arrays: StateDict, metadata: [String: String]) {
        var arrays: StateDict = [:]
        for (k, v) in discriminators.stateDict() { arrays["discriminators." + k] = v }
        let (moments, metadata) = optimizer.stateDict()
        for (k, v) in moments { arrays["optimizer." + k] = v }
        return (arrays, metadata)
    }

    public func load(stateDict: StateDict, metadata: [String: String]) throws {
        var weights: StateDict = [:], moments: StateDict = [:]
        for (k, v) in stateDict {
            if k.hasPrefix("discriminators.") { weights[String(k.dropFirst(15))] = v }
            else if k.hasPrefix("optimizer.") { moments[String(k.dropFirst(10))] = v }
            else { throw ModelError("vocoder checkpoint: unexpected adversary tensor '\(k)'") }
        }
        do {
            try discriminators.load(stateDict: weights)
            try optimizer.load(stateDict: moments, metadata: metadata)
        } catch {
            throw ModelError("the vocoder checkpoint's discriminators do not fit `train_vocoder.gan` (their sizes changed?):\n\(error)")
        }
    }
}
