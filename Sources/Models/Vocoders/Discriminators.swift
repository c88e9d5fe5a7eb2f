import NN
import Tensor

/// What one discriminator says about a batch of waveforms: its real/fake scores and the
/// activations of every layer (the targets of feature matching).
public struct DiscriminatorOutput {
    /// Scores `[B, N]`, one per position the discriminator judges (higher: more real).
    public let logits: Tensor
    /// Every layer's output after its activation, and the final conv's (the logits' map), in order.
    public let features: [Tensor]

    public init(logits: Tensor, features: [Tensor]) {
        self.logits = logits
        self.features = features
    }
}

/// The sizes of ``Discriminators``. The defaults are HiFi-GAN's multi-period discriminator and
/// UnivNet's multi-resolution discriminator at Vocos' resolutions; a CPU recipe will want
/// far fewer channels than HiFi-GAN's (its MPD alone has 41 M parameters).
public struct DiscriminatorConfig: Codable, Sendable, Equatable {
    /// Periods of the MPD's sub-discriminators (none: no MPD).
    public var periods = [2, 3, 5, 7, 11]
    /// Output channels of the MPD's convs, the last with stride 1.
    public var periodChannels = [32, 128, 512, 1024, 1024]
    /// Kernel of the MPD's convs along time; odd.
    public var periodKernelSize = 5
    /// Stride of all but the last MPD conv.
    public var periodStride = 3
    /// STFT resolutions of the MRD's sub-discriminators (none: no MRD).
    public var resolutions = [STFTResolution(nFFT: 1024, hop: 256, winLength: 1024),
                              STFTResolution(nFFT: 2048, hop: 512, winLength: 2048),
                              STFTResolution(nFFT: 512, hop: 128, winLength: 512)]
    /// Channels of every MRD conv.
    public var resolutionChannels = 32
    /// Negative slope of the leaky ReLUs.
    public var slope: Float = 0.1

    public init(periods: [Int] = [2, 3, 5, 7, 11], periodChannels: [Int] = [32, 128, 512, 1024, 1024],
                periodKernelSize: Int = 5, periodStride: Int = 3,
                resolutions: [STFTResolution] = [STFTResolution(nFFT: 1024, hop: 256, winLength: 1024),
                                                 STFTResolution(nFFT: 2048, hop: 512, winLength: 2048),
                                                 STFTResolution(nFFT: 512, hop: 128, winLength: 512)],
                resolutionChannels: Int = 32, slope: Float = 0.1) {
        self.periods = periods; self.periodChannels = periodChannels
        self.periodKernelSize = periodKernelSize; self.periodStride = periodStride
        self.resolutions = resolutions; self.resolutionChannels = resolutionChannels; self.slope = slope
    }

    /// Throws ``DiscriminatorError/badConfig(key:value:reason:)`` for the first size that cannot build the discriminators.
    public func validate() throws {
        func bad(_ key: String, _ value: Any, _ reason: String) -> DiscriminatorError {
            .badConfig(key: key, value: "\(value)", reason: reason)
        }
        if periods.isEmpty && resolutions.isEmpty { throw bad("periods", periods, "and resolutions are both empty: nothing would judge") }
        if periods.contains(where: { $0 < 1 }) { throw bad("periods", periods, "must all be at least 1") }
        if !periods.isEmpty && (periodChannels.isEmpty || periodChannels.contains { $0 < 1 }) {
            throw bad("periodChannels", periodChannels, "must be a non-empty list of sizes ≥ 1")
        }
        if periodKernelSize < 1 || periodKernelSize % 2 == 0 { throw bad("periodKernelSize", periodKernelSize, "must be odd and at least 1") }
        if periodStride < 1 { throw bad("periodStride", periodStride, "must be at least 1") }
        for r in resolutions where r.hop < 1 || r.winLength < 1 || r.winLength > r.nFFT || r.nFFT % 2 != 0 {
            throw bad("resolutions", "\(r.nFFT)/\(r.hop)/\(r.winLength)",
                      "needs an even nFFT, hop ≥ 1 and 1 ≤ winLength ≤ nFFT")
        }
        if resolutionChannels < 1 { throw bad("resolutionChannels", resolutionChannels, "must be at least 1") }
        if !(slope >= 0) { throw bad("slope", slope, "must be a number ≥ 0") }
    }
}

/// Why ``Discriminators`` were not built or refused a waveform.
public enum DiscriminatorError: Error, Equatable, CustomStringConvertible {
    case badConfig(key: String, value: String, reason: String)
    /// Waveforms must be `[B, samples]`, long enough for the largest period and FFT.
    case badWaveform(shape: [Int], minimumSamples: Int)

    public var description: String {
        switch self {
        case let .badConfig(key, value, reason): "discriminator config: \(key) = \(value) \(reason)"
        case let .badWaveform(shape, minimum):
            "the discriminators take waveforms [batch, samples ≥ \(minimum)] (more than half the largest FFT and "
                + "the largest period); got \(shape)"
        }
    }
}

/// The GAN critics of a vocoder: HiFi-GAN's multi-period discriminator (MPD) and UnivNet's
/// multi-resolution discriminator (MRD), as Vocos trains with.
///
/// ```
/// outputs = [mpd.discriminators[p](y) for p in periods] + [mrd.discriminators[r](y) for r in resolutions]
/// ```
/// Use (one training step, `y` real, `ŷ = G(mel)`):
/// ```swift
/// let dLoss = discriminatorLoss(real: try d(waveform: y), generated: try d(waveform: ŷ.detached()))
/// // backward, step the discriminators' optimizer; then
/// let real = try noGrad { try d(waveform: y) }, fake = try d(waveform: ŷ)
/// let gLoss = generatorAdversarialLoss(generated: fake) + 2 * featureMatchingLoss(real: real, generated: fake)
/// // backward, step the generator's optimizer; zero the discriminators' gradients before their next step
/// ```
/// No weight norm (HiFi-GAN and UnivNet use it on every conv).
public final class Discriminators: Module {
    public let mpd: [PeriodDiscriminator]
    public let mrd: [ResolutionDiscriminator]
    public let config: DiscriminatorConfig

    public init(config: DiscriminatorConfig, generator: inout SplitMix64) throws {
        try config.validate()
        self.config = config
        mpd = config.periods.map { PeriodDiscriminator(period: $0, config: config, generator: &generator) }
        mrd = config.resolutions.map { ResolutionDiscriminator(resolution: $0, config: config, generator: &generator) }
    }

    /// Samples a waveform needs: more than half the largest FFT (the STFT's reflect padding)
    /// and more than the largest period (the MPD's).
    public var minimumSamples: Int {
        max(config.periods.max() ?? 1, (config.resolutions.map(\.nFFT).max() ?? 0) / 2 + 1)
    }

    /// Every sub-discriminator's verdict on `waveform` `[B, samples]`, the MPD's first.
    public func callAsFunction(waveform: Tensor) throws -> [DiscriminatorOutput] {
        guard waveform.rank == 2, waveform.shape[0] >= 1, waveform.shape[1] >= minimumSamples else {
            throw DiscriminatorError.badWaveform(shape: waveform.shape, minimumSamples: minimumSamples)
        }
        return mpd.map { $0(waveform) } + mrd.map { $0(waveform) }
    }
}

/// One period of HiFi-GAN's MPD: the waveform folded into `period` interleaved columns, each
/// judged by the same stack of convs along time (HiFi-GAN's `(k, 1)` Conv2d over
/// `[B, 1, T/p, p]`, computed as conv1d over the columns `[B·p, 1, T/p]`).
///
/// ```
/// x = reflectpad(y, to a multiple of p) folded to [B·p, 1, T/p]
/// x = leakyrelu(convs[i](x))     kernel k, padding (k − 1)/2, stride s (the last: 1)
/// logits = conv_post(x)          kernel 3, padding 1, → 1 channel
/// ```
/// Feature maps are `[B·p, C, T']`: HiFi-GAN's `[B, C, T', p]` with the columns moved before the
/// channels (a permutation; feature matching's L1 means do not see it); logits `[B, p·T']`.
public final class PeriodDiscriminator: Module {
    public let convs: [Conv1d]
    @Key("conv_post") public var convPost: Conv1d
    public let period: Int, slope: Float

    init(period: Int, config: DiscriminatorConfig, generator: inout SplitMix64) {
        self.period = period
        slope = config.slope
        let k = config.periodKernelSize, channels = config.periodChannels
        convs = channels.indices.map { i in
            Conv1d(i == 0 ? 1 : channels[i - 1], channels[i], kernelSize: k,
                   stride: i == channels.count - 1 ? 1 : config.periodStride, padding: (k - 1) / 2, generator: &generator)
        }
        super.init()
        _convPost.wrappedValue = Conv1d(channels.last!, 1, kernelSize: 3, padding: 1, generator: &generator)
    }

    public func callAsFunction(_ y: Tensor) -> DiscriminatorOutput {
        let (batch, samples) = (y.shape[0], y.shape[1])
        let extra = (period - samples % period) % period
        let padded = extra == 0 ? y : y.indexSelect(axis: 1, Array(0..<samples) + (0..<extra).map { samples - 2 - $0 })
        let rows = padded.shape[1] / period
        var x = padded.reshaped([batch, rows, period]).transposed(1, 2).reshaped([batch * period, 1, rows])
        var features: [Tensor] = []
        for conv in convs {
            x = conv(x).leakyRelu(slope)
            features.append(x)
        }
        x = convPost(x)
        features.append(x)
        return DiscriminatorOutput(logits: x.reshaped([batch, -1]), features: features)
    }
}

/// One resolution of UnivNet's MRD: 2-D convs over the STFT magnitude, frequency by time.
///
/// ```
/// x = |STFT(y)| as [B, 1, bins, frames]      ``stftMagnitude(_:resolution:)``: Hann, centred
/// x = leakyrelu(convs[i](x))   (3, 9) pad (1, 4); then three with stride (1, 2); then (3, 3) pad (1, 1)
/// logits = conv_post(x)        (3, 3), padding (1, 1), → 1 channel
/// ```
/// UnivNet (and Vocos) take the STFT with a rectangular window; this uses FunAudio's one STFT,
/// Hann-windowed. Logits `[B, bins·frames']`.
public final class ResolutionDiscriminator: Module {
    public let convs: [Conv2d]
    @Key("conv_post") public var convPost: Conv2d
    public let resolution: STFTResolution, slope: Float

    init(resolution: STFTResolution, config: DiscriminatorConfig, generator: inout SplitMix64) {
        self.resolution = resolution
        slope = config.slope
        let c = config.resolutionChannels
        convs = [Conv2d(1, c, kernelSize: (3, 9), padding: (1, 4), generator: &generator)]
            + (0..<3).map { _ in Conv2d(c, c, kernelSize: (3, 9), stride: (1, 2), padding: (1, 4), generator: &generator) }
            + [Conv2d(c, c, kernelSize: (3, 3), padding: (1, 1), generator: &generator)]
        super.init()
        _convPost.wrappedValue = Conv2d(c, 1, kernelSize: (3, 3), padding: (1, 1), generator: &generator)
    }

    public func callAsFunction(_ y: Tensor) -> DiscriminatorOutput {
        let magnitude = stftMagnitude(y, resolution: resolution)            // [B, frames, bins]
        var x = magnitude.transposed(1, 2).unsqueezed(1)                    // [B, 1, bins, frames]
        var features: [Tensor] = []
        for conv in convs {
            x = conv(x).leakyRelu(slope)
            features.append(x)
        }
        x = convPost(x)
        features.append(x)
        return DiscriminatorOutput(logits: x.reshaped([y.shape[0], -1]), features: features)
    }
}
