import Foundation
import NN
import Tensor

/// The generator of Parallel WaveGAN (Yamamoto et al. 2020): a non-causal WaveNet that turns
/// Gaussian noise into a waveform, conditioned at every sample on the upsampled mel.
///
/// ```
/// c = upsample_net(melᵀ)                  ``WaveNetUpsampleNetwork``: [B, nMels, T] → [B, nMels, T·hop]
/// x = first_conv(z)                        z ~ N(0, 1) [B, 1, T·hop], 1×1 conv 1 → residual
/// (x, sₗ) = conv_layers[l](x, c)          ``WaveNetResidualBlock``, dilation 2^(l mod layers/stacks)
/// s = √(1/layers) · Σₗ sₗ
/// y = last_conv_layers[1](ReLU(last_conv_layers[0](ReLU(s))))     1×1: skip → skip → 1
/// ```
/// Parameter names are PWG's where it has one module per name (`first_conv`,
/// `upsample_net.conv_in`, `conv_layers.3.conv1x1_aux`, …); its smoothing convs are
/// `upsample_net.convs.i` (1-D, `[1, 1, 2s + 1]`, where PWG has `[1, 1, 1, 2s + 1]` 2-D
/// convs between parameterless stretch layers) and its output convs `last_conv_layers.0`
/// and `.1` (PWG: `.1` and `.3`, between ReLUs). PWG trains with weight norm; this has none.
/// As in PWG, the last block's residual output feeds nothing: its `conv1x1_out` gets no gradient.
///
/// Sizes: the default ``WaveNetConfig`` has 1,334,309 parameters (PWG's paper reports
/// 1.44 M for its generator, with weight norm's gains on top of these weights).
/// Initialisation as PWG: He-normal conv weights (`std = √(2/fan_in)`), zero biases, and
/// each smoothing conv a moving average (`1/(2s + 1)`).
///
/// The noise comes from ``noise``, a generator the vocoder owns: a checkpoint that saves its
/// state resumes the run drawing the same noise. ``callAsFunction(mel:noise:)`` takes explicit
/// noise instead (for tests and for comparing with a reference implementation).
public final class WaveNetVocoder: Module {
    @Key("first_conv") public var firstConv: Conv1d
    @Key("upsample_net") public var upsampleNet: WaveNetUpsampleNetwork
    @Key("conv_layers") public var convLayers: [WaveNetResidualBlock]
    @Key("last_conv_layers") public var lastConvLayers: [Conv1d]
    public let config: WaveNetConfig
    /// The source of the input noise, in the order forward passes run.
    public let noise: NoiseSource

    public init(config: WaveNetConfig, noiseSeed: UInt64, generator: inout SplitMix64) throws {
        try config.validate()
        self.config = config
        noise = NoiseSource(seed: noiseSeed)
        super.init()
        let (res, skip) = (config.residualChannels, config.skipChannels)
        _firstConv.wrappedValue = heNormalConv1d(1, res, kernelSize: 1, generator: &generator)
        _upsampleNet.wrappedValue = WaveNetUpsampleNetwork(config: config, generator: &generator)
        _convLayers.wrappedValue = (0..<config.layers).map { layer in
            WaveNetResidualBlock(config: config, dilation: config.dilation(ofLayer: layer), generator: &generator)
        }
        _lastConvLayers.wrappedValue = [heNormalConv1d(skip, skip, kernelSize: 1, generator: &generator),
                                        heNormalConv1d(skip, 1, kernelSize: 1, generator: &generator)]
    }

    /// The waveform `[B, samples]` of log-mels `mel` `[B, frames, nMels]` (frames-major), driven
    /// by noise drawn from ``noise``. The network makes `frames·hop` samples, sample `i`
    /// conditioned on frame `⌊i/hop⌋` (PWG's alignment of centred frames); the first `length`
    /// are returned, by default `(frames − 1)·hop` (the signal a centred analysis of that many
    /// samples has `frames` frames of).
    public func callAsFunction(mel: Tensor, length: Int? = nil) throws -> Tensor {
        let samples = try checkedSamples(mel: mel, length: length)
        let z = Tensor.randn([mel.shape[0], mel.shape[1] * config.hop], generator: &noise.generator)
        let y = try callAsFunction(mel: mel, noise: z)
        return samples == y.shape[1] ? y : y.slice(axis: 1, 0 ..< samples)
    }

    /// The waveform `[B, frames·hop]` that noise `noise` `[B, frames·hop]` becomes under `mel`
    /// `[B, frames, nMels]`.
    public func callAsFunction(mel: Tensor, noise z: Tensor) throws -> Tensor {
        _ = try checkedSamples(mel: mel, length: mel.rank == 3 ? mel.shape[1] * config.hop : nil)
        let (batch, samples) = (mel.shape[0], mel.shape[1] * config.hop)
        guard z.shape == [batch, samples] else { throw WaveNetError.badNoise(shape: z.shape, expected: [batch, samples]) }
        let c = upsampleNet(mel.transposed(1, 2))                       // [B, nMels, samples]
        var x = firstConv(z.reshaped([batch, 1, samples]))             // [B, residual, samples]
        var skips: Tensor?
        for block in convLayers {
            let (next, skip) = block(x, condition: c)
            x = next
            skips = skips.map { $0 + skip } ?? skip
        }
        let s = skips! * (1 / Float(convLayers.count)).squareRoot()
        let y = lastConvLayers[1](lastConvLayers[0](s.relu()).relu())  // [B, 1, samples]
        return y.reshaped([batch, samples])
    }

    /// Samples to return, or the error that names what is wrong with `mel` and `length`.
    private func checkedSamples(mel: Tensor, length: Int?) throws -> Int {
        let bad = WaveNetError.badMel(shape: mel.shape, nMels: config.nMels, length: length, hop: config.hop)
        guard mel.rank == 3, mel.shape[2] == config.nMels, mel.shape[0] >= 1, mel.shape[1] >= 1 else { throw bad }
        let samples = length ?? (mel.shape[1] - 1) * config.hop
        guard samples >= 1, samples <= mel.shape[1] * config.hop else { throw bad }
        return samples
    }
}

extension WaveNetVocoder: NeuralVocoder {
    public var nMels: Int { config.nMels }
    public var hop: Int { config.hop }
    public var randomState: UInt64? {
        get { noise.generator.state }
        set { if let newValue { noise.generator = SplitMix64(seed: newValue) } }
    }
}

/// The generator a ``WaveNetVocoder`` draws its input noise from. Its ``generator`` state is
/// all a checkpoint needs to restore the noise to come (``DropoutSource``'s pattern).
public final class NoiseSource {
    public var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }
}

/// One WaveNet layer of Parallel WaveGAN: a dilated non-causal conv, the upsampled mel added
/// through a 1×1 conv, a gated activation, and 1×1 convs to the residual stream and the skip sum.
///
/// ```
/// h = conv(x) + conv1x1_aux(c)       dilated conv residual → gate, padding (k − 1)/2·d; aux has no bias
/// z = tanh(h[:gate/2]) ⊙ σ(h[gate/2:])                 ``Tensor/gatedTanh(axis:)``
/// skip = conv1x1_skip(z)
/// x' = (conv1x1_out(z) + x) · √½      keeps the residual stream's variance from growing with depth
/// ```
public final class WaveNetResidualBlock: Module {
    public let conv: Conv1d
    @Key("conv1x1_aux") public var conv1x1Aux: Conv1d
    @Key("conv1x1_out") public var conv1x1Out: Conv1d
    @Key("conv1x1_skip") public var conv1x1Skip: Conv1d

    public init(config: WaveNetConfig, dilation: Int, generator: inout SplitMix64) {
        let (res, gate, skip) = (config.residualChannels, config.gateChannels, config.skipChannels)
        conv = heNormalConv1d(res, gate, kernelSize: config.kernelSize, padding: (config.kernelSize - 1) / 2 * dilation,
                              dilation: dilation, generator: &generator)
        super.init()
        _conv1x1Aux.wrappedValue = heNormalConv1d(config.nMels, gate, kernelSize: 1, bias: false, generator: &generator)
        _conv1x1Out.wrappedValue = heNormalConv1d(gate / 2, res, kernelSize: 1, generator: &generator)
        _conv1x1Skip.wrappedValue = heNormalConv1d(gate / 2, skip, kernelSize: 1, generator: &generator)
    }

    /// `(x', skip)` for the residual stream `x` `[B, residual, L]` and the upsampled mel `c` `[B, nMels, L]`.
    public func callAsFunction(_ x: Tensor, condition c: Tensor) -> (residual: Tensor, skip: Tensor) {
        let z = (conv(x) + conv1x1Aux(c)).gatedTanh(axis: 1)
        return ((conv1x1Out(z) + x) * Float(0.5).squareRoot(), conv1x1Skip(z))
    }
}

/// Parallel WaveGAN's `ConvInUpsampleNetwork`: mel frames to one conditioning vector per sample.
///
/// ```
/// c = conv_in(edgepad(mel, w))        Conv1d nMels → nMels, kernel 2w + 1, no padding, no bias
/// for s in upsampleScales:
///     c = repeat each frame s times                   (nearest-neighbour stretch along time)
///     c = convs[i](c) per band                        one kernel [1, 1, 2s + 1], padding s, no bias
/// ```
/// Shapes: `[B, nMels, T]` → `[B, nMels, T·hop]`. PWG pads the mel with context frames in its
/// data loader (and edge-pads at inference); here the edge padding is part of the network, so
/// a mel of `T` frames always gives `T·hop` samples.
public final class WaveNetUpsampleNetwork: Module {
    @Key("conv_in") public var convIn: Conv1d
    public let convs: [Conv1d]
    public let scales: [Int], context: Int

    public init(config: WaveNetConfig, generator: inout SplitMix64) {
        scales = config.upsampleScales
        context = config.auxContextWindow
        convs = scales.map { s in
            let conv = Conv1d(1, 1, kernelSize: 2 * s + 1, padding: s, bias: false, generator: &generator)
            conv.weight.withUnsafeMutableBufferPointer { $0.update(repeating: 1 / Float(2 * s + 1)) }
            return conv
        }
        super.init()
        _convIn.wrappedValue = heNormalConv1d(config.nMels, config.nMels, kernelSize: 2 * context + 1, bias: false,
                                              generator: &generator)
    }

    public func callAsFunction(_ mel: Tensor) -> Tensor {
        let (batch, bands, frames) = (mel.shape[0], mel.shape[1], mel.shape[2])
        let edges = Array(repeating: 0, count: context) + Array(0..<frames) + Array(repeating: frames - 1, count: context)
        var c = convIn(mel.indexSelect(axis: 2, edges))                 // [B, nMels, T]
        var length = frames
        for (s, conv) in zip(scales, convs) {
            c = c.repeatInterleave(Array(repeating: s, count: length), axis: 2)
            length *= s
            c = conv(c.reshaped([batch * bands, 1, length])).reshaped([batch, bands, length])
        }
        return c
    }
}

/// A ``Conv1d`` initialised as Parallel WaveGAN's: `weight ~ N(0, 2/fan_in)` (He, for the
/// ReLUs and gates that follow), bias 0.
func heNormalConv1d(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, padding: Int = 0, dilation: Int = 1,
                    bias: Bool = true, generator: inout SplitMix64) -> Conv1d {
    let conv = Conv1d(inChannels, outChannels, kernelSize: kernelSize, padding: padding, dilation: dilation,
                      bias: bias, generator: &generator)
    let std = (2 / Float(inChannels * kernelSize)).squareRoot()
    conv.weight.withUnsafeMutableBufferPointer { w in
        for i in w.indices { w[i] = std * generator.nextNormal() }
    }
    conv.bias?.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    return conv
}
