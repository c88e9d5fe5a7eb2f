import Tracking

/// The metrics a run records, each declared once with the direction in which it improves:
/// runs.db stores the goal with the key, and reports and SQL views read "best" from it.
extension Metric {
    /// A term of the training loss (`train.loss`, `train.mel`, `train.duration`…).
    static func trainingLoss(_ term: String) -> Metric { Metric("train.\(term)", goal: .minimize) }
    static let learningRate = Metric("train.lr", goal: .none)
    static let gradientNorm = Metric("train.grad_norm", goal: .none)
    static let trainingThroughput = Metric("train.utterances_per_s", goal: .maximize, unit: "utterances/s")

    /// A validation score of the trainer (`val_mel_l1` → `val.mel_l1`): teacher-forced
    /// errors, and the aligner's measures (diagonality is the one that rises).
    static func validation(_ trainerKey: String) -> Metric {
        let name = trainerKey.hasPrefix("val_") ? String(trainerKey.dropFirst(4)) : trainerKey
        return Metric("val." + name, goal: name == "diagonality" ? .maximize : .minimize,
                      unit: name.hasSuffix("_ms") ? "ms" : nil)
    }

    /// An evaluation error of `split` (`eval`, `eval_unseen`): mel L1, MCD, spectral
    /// convergence, duration error.
    static func evaluation(_ split: String, _ name: String) -> Metric {
        Metric("\(split).\(name)", goal: .minimize, unit: name == "mcd" ? "dB" : nil)
    }

    /// Seconds of synthesis per second of audio.
    static let realTimeFactor = Metric("synth.real_time_factor", goal: .minimize)
}
