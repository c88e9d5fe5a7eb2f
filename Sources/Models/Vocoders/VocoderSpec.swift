import NN
import Tensor

/// Which neural vocoder to build and its sizes: the `train_vocoder` cell's model keys.
///
/// The vocoder's STFT size and hop are not here: they are the data's (`data.n_fft`,
/// `data.hop`), so the vocoder reads exactly the mel frames the corpus features hold. A new
/// kind is one case in ``Kind``, its sizes beside ``vocos``, and one line in
/// ``makeVocoder(features:seed:)``: training, checkpoints and synthesis hold it as
/// ``NeuralVocoder``.
public struct VocoderSpec: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// ``VocosVocoder``: ConvNeXt blocks at the frame rate and an inverse-STFT head.
        case vocos
        /// ``WaveNetVocoder``: Parallel WaveGAN's noise-driven WaveNet on the upsampled mel.
        case wavenet
    }

    /// `vocos.*`: the sizes of a ``VocosVocoder`` other than its STFT.
    public struct Vocos: Codable, Sendable, Equatable {
        public var dim: Int
        public var intermediate: Int
        public var layers: Int
        public init(dim: Int, intermediate: Int, layers: Int) {
            self.dim = dim; self.intermediate = intermediate; self.layers = layers
        }
    }

    /// `wavenet.*`: the sizes of a ``WaveNetVocoder`` other than its hop. Its upsampling
    /// factors are the hop's (``upsampleScales(hop:)``), so any `data.hop` works.
    public struct WaveNet: Codable, Sendable, Equatable {
        public var layers: Int
        public var stacks: Int
        public var kernelSize: Int
        public var residualChannels: Int
        public var gateChannels: Int
        public var skipChannels: Int
        public var auxContextWindow: Int
        public init(layers: Int = 30, stacks: Int = 3, kernelSize: Int = 3, residualChannels: Int = 64,
                    gateChannels: Int = 128, skipChannels: Int = 64, auxContextWindow: Int = 2) {
            self.layers = layers; self.stacks = stacks; self.kernelSize = kernelSize
            self.residualChannels = residualChannels; self.gateChannels = gateChannels
            self.skipChannels = skipChannels; self.auxContextWindow = auxContextWindow
        }

        /// The model these sizes give for `nMels` bands at `hop` samples per frame.
        public func config(nMels: Int, hop: Int) -> WaveNetConfig {
            WaveNetConfig(nMels: nMels, upsampleScales: Self.upsampleScales(hop: hop), auxContextWindow: auxContextWindow,
                          layers: layers, stacks: stacks, kernelSize: kernelSize, residualChannels: residualChannels,
                          gateChannels: gateChannels, skipChannels: skipChannels)
        }

        /// Stretch factors whose product is `hop`: its prime factors, merged while a factor
        /// stays at most 4 (PWG's 256 = 4·4·4·4; 200 = 4·2·5·5). Small factors keep each
        /// smoothing conv short and the stretch gradual.
        public static func upsampleScales(hop: Int) -> [Int] {
            var primes: [Int] = [], rest = max(1, hop), p = 2
            while rest > 1 {
                if rest % p == 0 { primes.append(p); rest /= p } else { p += 1 }
            }
            var scales: [Int] = []
            for prime in primes {
                if let last = scales.last, last * prime <= 4 { scales[scales.count - 1] = last * prime } else { scales.append(prime) }
            }
            return scales.isEmpty ? [1] : scales
        }
    }

    public var kind: Kind
    public var vocos: Vocos
    public var wavenet: WaveNet

    public init(kind: Kind = .vocos, vocos: Vocos, wavenet: WaveNet = WaveNet()) {
        self.kind = kind; self.vocos = vocos; self.wavenet = wavenet
    }

    private enum CodingKeys: String, CodingKey { case kind, vocos, wavenet }

    /// Checkpoints written before the `wavenet` kind existed have no `wavenet` sizes.
    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        vocos = try c.decode(Vocos.self, forKey: .vocos)
        wavenet = try c.decodeIfPresent(WaveNet.self, forKey: .wavenet) ?? WaveNet()
    }

    /// The model width a Noam schedule scales by.
    public var modelDimensions: Int {
        switch kind {
        case .vocos: vocos.dim
        case .wavenet: wavenet.residualChannels
        }
    }

    /// The vocoder these sizes describe for mels of `features`, weights (and a WaveNet's noise)
    /// drawn from `seed`.
    public func makeVocoder(features: MelFormat, seed: UInt64) throws -> any NeuralVocoder {
        var generator = SplitMix64(seed: seed)
        let mel = features.settings
        switch kind {
        case .vocos:
            guard mel.winLength == mel.nFFT else {
                throw ModelError("the vocos vocoder inverts an STFT whose window is n_fft long; the features have win_length \(mel.winLength) ≠ n_fft \(mel.nFFT)")
            }
            let config = VocosConfig(nMels: mel.nMels, dim: vocos.dim, intermediate: vocos.intermediate,
                                     layers: vocos.layers, nFFT: mel.nFFT, hop: mel.hopLength)
            do { return try VocosVocoder(config: config, generator: &generator) } catch let error as VocosError {
                throw ModelError("\(error)")
            }
        case .wavenet:
            let config = wavenet.config(nMels: mel.nMels, hop: mel.hopLength)
            do {
                return try WaveNetVocoder(config: config, noiseSeed: seed ^ 0x5EED_0F_A015E, generator: &generator)
            } catch let error as WaveNetError {
                throw ModelError("train_vocoder.wavenet: \(error)")
            }
        }
    }
}
