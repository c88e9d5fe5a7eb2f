/// The sizes of a ``WaveNetVocoder``. The defaults are Parallel WaveGAN's generator for
/// 80-band mels at hop 256 (its `parallel_wavegan.v1` configuration, without weight norm).
public struct WaveNetConfig: Codable, Sendable, Equatable {
    /// Mel bands of the input (PWG's `aux_channels`).
    public var nMels = 80
    /// Nearest-neighbour stretch factors of the upsample network; their product is the hop.
    public var upsampleScales = [4, 4, 4, 4]
    /// Mel frames of context on each side that the first (unpadded) conditioning conv reads;
    /// the mel is edge-padded by this many frames (PWG's `aux_context_window`).
    public var auxContextWindow = 2
    /// Residual blocks in all.
    public var layers = 30
    /// Dilation cycles: block `l` has dilation `2^(l mod (layers/stacks))`.
    public var stacks = 3
    /// Kernel of each block's dilated conv; odd, so the conv is centred (non-causal).
    public var kernelSize = 3
    /// Channels of the residual stream.
    public var residualChannels = 64
    /// Channels before the gate, split in halves for tanh and sigmoid; even.
    public var gateChannels = 128
    /// Channels of the skip connections and the output layers.
    public var skipChannels = 64

    public init(nMels: Int = 80, upsampleScales: [Int] = [4, 4, 4, 4], auxContextWindow: Int = 2,
                layers: Int = 30, stacks: Int = 3, kernelSize: Int = 3, residualChannels: Int = 64,
                gateChannels: Int = 128, skipChannels: Int = 64) {
        self.nMels = nMels; self.upsampleScales = upsampleScales; self.auxContextWindow = auxContextWindow
        self.layers = layers; self.stacks = stacks; self.kernelSize = kernelSize
        self.residualChannels = residualChannels; self.gateChannels = gateChannels; self.skipChannels = skipChannels
    }

    /// Samples per mel frame: the product of ``upsampleScales``.
    public var hop: Int { upsampleScales.reduce(1, *) }

    /// The dilation of block `layer`.
    public func dilation(ofLayer layer: Int) -> Int { 1 << (layer % (layers / stacks)) }

    /// Throws ``WaveNetError/badConfig(key:value:reason:)`` for the first size that cannot build a model.
    public func validate() throws {
        for (key, value) in [("nMels", nMels), ("layers", layers), ("stacks", stacks), ("kernelSize", kernelSize),
                             ("residualChannels", residualChannels), ("gateChannels", gateChannels),
                             ("skipChannels", skipChannels)] where value < 1 {
            throw WaveNetError.badConfig(key: key, value: "\(value)", reason: "must be at least 1")
        }
        if upsampleScales.isEmpty || upsampleScales.contains(where: { $0 < 1 }) {
            throw WaveNetError.badConfig(key: "upsampleScales", value: "\(upsampleScales)",
                                         reason: "must be a non-empty list of factors ≥ 1 (their product is the hop)")
        }
        if auxContextWindow < 0 {
            throw WaveNetError.badConfig(key: "auxContextWindow", value: "\(auxContextWindow)", reason: "must not be negative")
        }
        if layers % stacks != 0 {
            throw WaveNetError.badConfig(key: "stacks", value: "\(stacks)",
                                         reason: "must divide layers = \(layers): each stack is one dilation cycle")
        }
        if layers / stacks > 30 {
            throw WaveNetError.badConfig(key: "layers", value: "\(layers)",
                                         reason: "gives dilation 2^\(layers / stacks - 1) per stack; use more stacks")
        }
        if kernelSize % 2 == 0 {
            throw WaveNetError.badConfig(key: "kernelSize", value: "\(kernelSize)",
                                         reason: "must be odd: the non-causal conv is centred on its sample")
        }
        if gateChannels % 2 != 0 {
            throw WaveNetError.badConfig(key: "gateChannels", value: "\(gateChannels)",
                                         reason: "must be even: the gate splits it into tanh and sigmoid halves")
        }
    }
}

/// Why a ``WaveNetVocoder`` was not built or refused its input.
public enum WaveNetError: Error, Equatable, CustomStringConvertible {
    case badConfig(key: String, value: String, reason: String)
    /// The mel tensor is not `[B, frames ≥ 1, nMels]`, or `length` is outside `1 ... frames·hop`.
    case badMel(shape: [Int], nMels: Int, length: Int?, hop: Int)
    /// The explicit noise is not `[B, frames·hop]` for the mel it drives.
    case badNoise(shape: [Int], expected: [Int])

    public var description: String {
        switch self {
        case let .badConfig(key, value, reason):
            "wavenet config: \(key) = \(value) \(reason)"
        case let .badMel(shape, nMels, length, hop):
            "the WaveNet vocoder takes log-mels [batch, frames, \(nMels)] and a length from 1 to frames·\(hop) "
                + "(by default (frames − 1)·\(hop), so at least 2 frames without one); got \(shape)"
                + (length.map { ", length \($0)" } ?? "")
        case let .badNoise(shape, expected):
            "the WaveNet vocoder's noise should be \(expected) ([batch, frames·hop]); got \(shape)"
        }
    }
}
