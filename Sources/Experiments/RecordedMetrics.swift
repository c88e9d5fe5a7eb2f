import Tracking

/// The metrics a run records, each declared once with the direction in which it improves:
/// runs.db stores the goal with the key, and reports and SQL views read "best" from it.
extension Metric {
    /// A term of the training loss (`train.loss`, `train.mel`, `train.duration`…).
    static func trainingLoss(_ term: String) -> Metric { Metric("train.\(term)", goal: .minimize) }
    static let learningRate = Metric("train.lr", goal: .none)
    static let gradientNorm = Metric("train.grad_norm", goal: .none)
    static let trainingThroughput = Metric("train.utterances_per_s", goal: .maximize, unit: "utterances/s")
    /// Seconds per step in allreduce, with several ranks (waiting for the slowest included).
    static let communicationTime = Metric("train.allreduce_s", goal: .minimize, unit: "s")

    /// A validation score of the trainer (`val_mel_l1` → `val.mel_l1`): teacher-forced
    /// errors, and the aligner's measures (diagonality is the one that rises).
    static func validation(_ trainerKey: String) -> Metric {
        let name = trainerKey.hasPrefix("val_") ? String(trainerKey.dropFirst(4)) : trainerKey
        return Metric("val." + name, goal: name.hasSuffix("f1") || name == "diagonality" ? .maximize : .minimize,
                      unit: unit(of: name))
    }

    /// Griffin-Lim's score on a vocoder run's held-out examples (``VocoderScores``: `mcd`,
    /// `mrstft`, `f0_rmse`, `vuv_f1`), recorded once at step 0: the baseline of `val.*`.
    static func griffinLimBaseline(_ name: String) -> Metric {
        Metric("griffin_lim.\(name)", goal: name.hasSuffix("f1") ? .maximize : .minimize, unit: name == "mcd" ? "dB" : nil)
    }

    /// An evaluation measure of `split` (`eval`, `eval_unseen`, and `synth` for synthesised
    /// sentences with a rendered target): errors (mel L1, the MCDs, F0 RMSE, V/UV error,
    /// duration errors) go down, the V/UV F1s go up (docs/metrics.md).
    static func evaluation(_ split: String, _ name: String) -> Metric {
        Metric("\(split).\(name)", goal: name.hasPrefix("vuv_f1") ? .maximize : .minimize, unit: unit(of: name))
    }

    /// An evaluation measure of one voice, seen or held out (`voice.en+m6.vuv_f1`): the
    /// splits' averages broken down by speaker, going the way the measure goes.
    static func voiceEvaluation(_ speaker: String, _ name: String) -> Metric {
        let measure = evaluation("voice", name)
        return Metric("voice.\(speaker).\(name)", goal: measure.goal, unit: measure.unit)
    }

    /// The unit a measure's name implies: `mcd*` dB, `*_ms` ms, `*_hz` Hz, none otherwise.
    static func unit(of name: String) -> String? {
        if name.hasPrefix("mcd") { return "dB" }
        if name.hasSuffix("_ms") { return "ms" }
        if name.hasSuffix("_hz") { return "Hz" }
        return nil
    }

    /// Seconds of synthesis per second of audio.
    static let realTimeFactor = Metric("synth.real_time_factor", goal: .minimize)
}
