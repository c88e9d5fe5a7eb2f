import NN
import Tensor

/// The sizes of a ``VocosVocoder``. The defaults are Vocos' 24 kHz mel model (its
/// `vocos-mel-24khz` configuration) with 80 mels.
public struct VocosConfig: Codable, Sendable, Equatable {
    /// Mel bands of the input.
    public var nMels = 80
    /// Channels of the backbone.
    public var dim = 512
    /// Hidden width of each ConvNeXt block's pointwise layers.
    public var intermediate = 1536
    /// ConvNeXt blocks.
    public var layers = 8
    /// FFT size of the head's inverse STFT (Hann window of this length); must be even.
    public var nFFT = 1024
    /// Samples per mel frame: the hop of the inverse STFT, at most `nFFT/2`.
    public var hop = 256
    /// The initial layer scale γ of every block; `nil` means Vocos' `1/layers`.
    public var layerScaleInit: Float?

    public init(nMels: Int = 80, dim: Int = 512, intermediate: Int = 1536, layers: Int = 8,
                nFFT: Int = 1024, hop: Int = 256, layerScaleInit: Float? = nil) {
        self.nMels = nMels; self.dim = dim; self.intermediate = intermediate; self.layers = layers
        self.nFFT = nFFT; self.hop = hop; self.layerScaleInit = layerScaleInit
    }

    /// γ's initial value.
    public var layerScale: Float { layerScaleInit ?? 1 / Float(max(layers, 1)) }

    /// Throws ``VocosError/badConfig(key:value:reason:)`` for the first size that cannot build a model.
    public func validate() throws {
        for (key, value) in [("nMels", nMels), ("dim", dim), ("intermediate", intermediate), ("hop", hop)] where value < 1 {
            throw VocosError.badConfig(key: key, value: "\(value)", reason: "must be at least 1")
        }
        if layers < 0 { throw VocosError.badConfig(key: "layers", value: "\(layers)", reason: "must not be negative") }
        if nFFT < 2 || nFFT % 2 != 0 {
            throw VocosError.badConfig(key: "nFFT", value: "\(nFFT)", reason: "must be even and at least 2")
        }
        if hop > nFFT / 2 {
            throw VocosError.badConfig(key: "hop", value: "\(hop)",
                                       reason: "must be at most nFFT/2 = \(nFFT / 2): the Hann windows would leave gaps the inverse STFT cannot fill")
        }
        if let s = layerScaleInit, !s.isFinite {
            throw VocosError.badConfig(key: "layerScaleInit", value: "\(s)", reason: "must be finite")
        }
    }
}

/// Why a ``VocosVocoder`` was not built or refused its input.
public enum VocosError: Error, Equatable, CustomStringConvertible {
    case badConfig(key: String, value: String, reason: String)
    /// The mel tensor is not `[B, frames, nMels]`, or it and `length` give no sample.
    case badMel(shape: [Int], nMels: Int)

    public var description: String {
        switch self {
        case let .badConfig(key, value, reason):
            "vocos config: \(key) = \(value) \(reason)"
        case let .badMel(shape, nMels):
            "the Vocos vocoder takes log-mels [batch, frames, \(nMels)] with at least 2 frames, or 1 frame and "
                + "a length ≥ 1; got \(shape)"
        }
    }
}

/// Vocos' ISTFT head: per frame, a log-magnitude and a phase for every bin, and the
/// waveform they describe.
///
/// ```
/// [log m, φ] = out(h)                 Linear dim → nFFT + 2, split in halves of nFFT/2 + 1
/// m = min(exp(log m), 100)            Vocos' guard against huge magnitudes
/// y = istft(m·cos φ, m·sin φ)         FunAudio's istft: periodic Hann of nFFT, centred
/// ```
/// Shapes: `[B, T, dim]` → `[B, (T − 1)·hop]` (or `[B, length]`).
public final class ISTFTHead: Module {
    public let out: Linear
    public let nFFT: Int, hop: Int

    public init(dim: Int, nFFT: Int, hop: Int, generator: inout SplitMix64) {
        out = Linear(dim, nFFT + 2, generator: &generator)
        self.nFFT = nFFT
        self.hop = hop
    }

    public func callAsFunction(_ h: Tensor, length: Int? = nil) -> Tensor {
        let bins = nFFT / 2 + 1
        let parts = out(h).split(axis: 2, sizes: [bins, bins])     // [B, T, bins] each
        let m = 100 - (100 - parts[0].exp()).clamped(min: 0)       // min(m, 100), torch.clip's gradient
        let phase = parts[1]
        return istft(real: m * phase.cos(), imag: m * phase.sin(), nFFT: nFFT, hop: hop, center: true, length: length)
    }
}

/// A Vocos-style vocoder (Siuzdak 2023): log-mel frames to waveform by predicting each
/// frame's STFT and inverting it, so every layer runs at the frame rate.
///
/// ```
/// h = backbone(melᵀ)       ``VocosBackbone``: Conv1d embed, LayerNorm, ConvNeXt blocks, LayerNorm
/// y = head(h)              ``ISTFTHead``: log-magnitude and phase → istft
/// ```
/// Parameter names are Vocos' state-dict keys (`backbone.embed.weight`,
/// `backbone.convnext.0.dwconv.weight`, `…gamma`, `backbone.final_layer_norm.weight`,
/// `head.out.weight`, …), so its checkpoints' tensors load where the sizes match.
///
/// One difference from Vocos: the inverse STFT is FunAudio's ``istft(real:imag:nFFT:hop:winLength:center:length:)``
/// with `center` (librosa's and `torch.istft`'s convention: the exact inverse of FunAudio's
/// STFT, framed as its mel analysis is), not Vocos' default "same" padding. Frame `t` is centred on
/// sample `t·hop`, and `T` frames give `(T − 1)·hop` samples unless `length` says otherwise
/// (a mel of `L` samples analysed with `center` has `1 + L/hop` frames: pass `length: L`).
///
/// Weights start from PyTorch's layer defaults (Vocos re-draws its conv and linear weights
/// from a truncated normal of std 0.02).
public final class VocosVocoder: Module {
    public let backbone: VocosBackbone
    public let head: ISTFTHead
    public let config: VocosConfig

    public init(config: VocosConfig, generator: inout SplitMix64) throws {
        try config.validate()
        self.config = config
        backbone = VocosBackbone(config: config, generator: &generator)
        head = ISTFTHead(dim: config.dim, nFFT: config.nFFT, hop: config.hop, generator: &generator)
    }

    /// The waveform `[B, samples]` of log-mels `mel` `[B, frames, nMels]`, frames-major as
    /// FunAudio's log-mels are (`LogMel`, `Spectrogram.framesMajor()`); `samples` is
    /// `length`, by default `(frames − 1)·hop`.
    public func callAsFunction(mel: Tensor, length: Int? = nil) throws -> Tensor {
        let minimumFrames = length == nil ? 2 : 1
        guard mel.rank == 3, mel.shape[2] == config.nMels, mel.shape[1] >= minimumFrames, (length ?? 1) >= 1 else {
            throw VocosError.badMel(shape: mel.shape, nMels: config.nMels)
        }
        return head(backbone(mel.transposed(1, 2)), length: length)
    }
}
