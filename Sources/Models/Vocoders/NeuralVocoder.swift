import NN
import Tensor

/// A vocoder FunAudio trains: log-mel frames in, waveform out, differentiable end to end so
/// that spectral and adversarial losses on the waveform reach its weights.
///
/// Training, evaluation and synthesis hold a vocoder through this protocol, so a new kind
/// (``VocosVocoder``, ``WaveNetVocoder``) needs no change where vocoders are used.
public protocol NeuralVocoder: Module {
    /// Mel bands of the input.
    var nMels: Int { get }
    /// Samples per mel frame.
    var hop: Int { get }
    /// The waveform `[B, samples]` of log-mels `mel` `[B, frames, nMels]` (frames-major, as
    /// `LogMel` stores them); `length` samples, by default `(frames − 1)·hop`.
    func callAsFunction(mel: Tensor, length: Int?) throws -> Tensor
    /// The state of the random source its forward passes draw from (a WaveNet's noise), so a
    /// checkpoint resumes the same draws; nil for a deterministic vocoder.
    var randomState: UInt64? { get set }
}

extension NeuralVocoder {
    public var randomState: UInt64? {
        get { nil }
        set {}
    }
}

extension VocosVocoder: NeuralVocoder {
    public var nMels: Int { config.nMels }
    public var hop: Int { config.hop }
}
