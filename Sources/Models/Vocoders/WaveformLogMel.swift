import Audio
import Data
import Foundation
import Tensor

/// The log-mel of waveforms as a differentiable function, the analysis of the corpus features
/// (``MelFormat``) written with Tensor's ``stft(_:nFFT:hop:winLength:center:)``, so that a mel
/// loss on a vocoder's output reaches its weights:
///
/// ```
/// |S|  = √max(re² + im², 1e-9)                    centred STFT, periodic Hann of win_length
/// mel  = (|S|^power) · Wᵀ                          W: the features' Slaney filterbank [nMels, bins]
/// out  = ln(max(mel, floor))                        [B, frames, nMels], frames-major as LogMel
/// ```
/// One difference from the feature cache: the STFT pads by reflection (Tensor's `stft`), the
/// cache with zeros; only the first and last frame differ, and a loss compares two signals
/// analysed the same way.
public struct WaveformLogMel {
    public let features: MelFormat
    /// `Wᵀ`, `[bins, nMels]`.
    let filterbank: Tensor

    public init(features: MelFormat) throws {
        self.features = features
        let bank = try features.melSpectrogram().filterbank
        var transposed = [Float](repeating: 0, count: bank.weights.count)
        for m in 0..<bank.nMels {
            for k in 0..<bank.bins { transposed[k * bank.nMels + m] = bank.weights[m * bank.bins + k] }
        }
        filterbank = Tensor(transposed, shape: [bank.bins, bank.nMels])
    }

    /// Log-mels `[B, frames, nMels]` of waveforms `[B, samples]` (more than `n_fft/2` samples).
    public func callAsFunction(_ waveform: Tensor) -> Tensor {
        let s = features.settings
        let (re, im) = stft(waveform, nFFT: s.nFFT, hop: s.hopLength, winLength: s.winLength)
        let squared = (re * re + im * im).clamped(min: 1e-9)
        let magnitude: Tensor = switch s.power {
        case 2: squared
        case 1: squared.sqrt()
        default: (squared.log() * (s.power / 2)).exp()
        }
        return magnitude.matmul(filterbank).clamped(min: s.logFloor).log()
    }
}
