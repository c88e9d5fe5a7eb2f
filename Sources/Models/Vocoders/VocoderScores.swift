import Audio
import Foundation
import NN
import Tensor

/// How far a vocoder's waveform is from the recording it should reproduce, by the measures
/// the vocoder literature reports: MCD (dB, docs/metrics.md), the multi-resolution STFT
/// distance (spectral convergence + log magnitude), and from Audio's pYIN pitch tracker the F0
/// RMSE on frames voiced in both (Hz) and the V/UV F1, frames paired along the MCD's path.
public struct VocoderScores: Sendable, Equatable {
    public var mcd: Double
    public var mrstft: Double
    /// NaN when no frame is voiced in both signals.
    public var f0RMSE: Double
    public var vuvF1: Double

    /// The scores as `[name: value]` (`mcd`, `mrstft`, `f0_rmse`, `vuv_f1`), NaNs left out.
    public var metrics: [String: Double] {
        ["mcd": mcd, "mrstft": mrstft, "f0_rmse": f0RMSE, "vuv_f1": vuvF1].filter { $0.value.isFinite }
    }

    /// The mean of each score over `scores` (NaNs left out of their mean).
    public static func mean(_ scores: [VocoderScores]) -> [String: Double] {
        var sums: [String: (Double, Int)] = [:]
        for s in scores {
            for (k, v) in s.metrics { sums[k, default: (0, 0)].0 += v; sums[k, default: (0, 0)].1 += 1 }
        }
        return sums.mapValues { $0.0 / Double($0.1) }
    }
}

/// Scores waveforms against ground truth at one mel format: MCD and pitch as evaluation
/// measures them (``MelFormat/distance(of:from:recording:)``), plus the MR-STFT distance.
public struct VocoderScorer {
    public let features: MelFormat
    let resolutions: [STFTResolution]

    public init(features: MelFormat) throws {
        self.features = features
        resolutions = STFTResolution.scaled(toNFFT: features.settings.nFFT)
    }

    /// Scores of `predicted` against `target` (both at the features' rate); the prediction is
    /// cut or zero-padded to the target's length.
    public func score(_ predicted: [Float], against target: [Float]) throws -> VocoderScores {
        var p = Array(predicted.prefix(target.count))
        p += [Float](repeating: 0, count: target.count - p.count)
        let distance = try features.distance(of: p, from: features.logMel(target), recording: target)
        let usable = resolutions.filter { $0.nFFT / 2 < target.count }
        let mrstft = usable.isEmpty ? Double.nan : try noGrad {
            Double(try multiResolutionSTFTLoss(Tensor(p, shape: [1, p.count]), Tensor(target, shape: [1, target.count]),
                                               resolutions: usable).total.item())
        }
        return VocoderScores(mcd: distance.mcd.decibels, mrstft: mrstft, f0RMSE: distance.f0?.rmseHz ?? .nan,
                             vuvF1: distance.f0?.voicingF1 ?? .nan)
    }
}

extension STFTResolution {
    /// Parallel WaveGAN's three resolutions, drawn for an analysis of `nFFT` instead of 1024
    /// (scaled by `nFFT / 1024`; exactly PWG's at 1024).
    public static func scaled(toNFFT nFFT: Int) -> [STFTResolution] {
        let f = Double(nFFT) / 1024
        return parallelWaveGAN.map { r in
            let n = max(8, 2 * Int((Double(r.nFFT) * f / 2).rounded()))
            return STFTResolution(nFFT: n, hop: max(1, Int((Double(r.hop) * f).rounded())),
                                  winLength: min(n, max(4, Int((Double(r.winLength) * f).rounded()))))
        }
    }
}
