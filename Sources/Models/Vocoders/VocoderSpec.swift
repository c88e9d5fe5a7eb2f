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

    public var kind: Kind
    public var vocos: Vocos

    public init(kind: Kind = .vocos, vocos: Vocos) {
        self.kind = kind; self.vocos = vocos
    }

    /// The vocoder these sizes describe for mels of `features`, weights drawn from `seed`.
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
        }
    }
}
