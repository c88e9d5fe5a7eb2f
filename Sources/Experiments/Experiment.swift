import Audio
import Config
import Foundation
import Models

/// One fully resolved configuration of an experiment file: what a single run executes.
///
/// A file with a `sweep:` section gives one `Experiment` per sweep point; `--set` overrides
/// apply to every point.
public struct Experiment: Sendable {
    /// The experiment file as given on the command line.
    public var file: String
    /// The resolved settings, defaults filled in: what is stored, hashed and compared.
    public var config: ConfigValue
    /// The same settings, typed: what the cells read.
    public var settings: ExperimentSettings
    /// `model.fusion.kind=film` for a sweep point, nil otherwise.
    public var sweepLabel: String?

    public var name: String { settings.name }

    /// `config` must be resolved by ``ExperimentSchema/root``.
    init(file: String, config: ConfigValue, sweepLabel: String?) throws {
        self.file = file
        self.config = config
        self.settings = try ExperimentSettings(config)
        self.sweepLabel = sweepLabel
    }

    /// Canonical JSON of the settings: stored with the run, hashed for rerun and caching.
    public var configJSON: String { config.canonicalJSON }

    /// Reads, merges (`extends:`), overrides (`--set`), expands (`sweep:`) and checks a file.
    /// Every problem of every sweep point is reported at once, each with its file and line.
    public static func load(_ file: String, overrides arguments: [String] = []) throws(ConfigError) -> [Experiment] {
        let schema = ExperimentSchema.root
        var (node, sweepNode) = try SourcedNode.loadResolvingExtends(file).removing("sweep")
        var issues: [Issue] = []
        (node, issues) = applying(arguments, to: node)
        let points = try sweepNode.map { node throws(ConfigError) in try Sweep(node, schema: schema).points }
        var experiments: [Experiment] = []
        for point in points ?? [SweepPoint(overrides: [], label: "")] {
            do throws(ConfigError) {
                var pointNode = node
                for override in point.overrides { pointNode = try override.apply(to: pointNode, schema: schema) }
                let experiment = try experiment(file: file, config: try schema.resolve(pointNode),
                                                sweepLabel: points == nil ? nil : point.label)
                let crossIssues = ExperimentSchema.crossCheck(experiment.settings, node: pointNode)
                if !crossIssues.isEmpty { throw ConfigError(crossIssues) }
                experiments.append(experiment)
            } catch {
                issues += error.issues.filter { !issues.contains($0) }
            }
        }
        if !issues.isEmpty { throw ConfigError(issues) }
        return experiments
    }

    /// An experiment from a resolved configuration, with a settings mismatch (a bug) as an issue.
    static func experiment(file: String, config: ConfigValue, sweepLabel: String?) throws(ConfigError) -> Experiment {
        do {
            return try Experiment(file: file, config: config, sweepLabel: sweepLabel)
        } catch {
            throw ConfigError([Issue(Location(file: file, line: 0, column: 0), "", "\(error)")])
        }
    }
}

extension Experiment {
    /// `node` with each `--set key=value` applied, and the problems of those that could not be.
    static func applying(_ arguments: [String], to node: SourcedNode) -> (SourcedNode, [Issue]) {
        var node = node, issues: [Issue] = []
        for argument in arguments {
            do throws(ConfigError) {
                node = try Override(parsing: argument).apply(to: node, schema: ExperimentSchema.root)
            } catch {
                issues += error.issues
            }
        }
        return (node, issues)
    }
}

extension ExperimentSchema {
    /// Rules that span several keys, which a per-key schema cannot state.
    static func crossCheck(_ settings: ExperimentSettings, node: SourcedNode) -> [Issue] {
        var issues: [Issue] = []
        func require(_ condition: Bool, _ path: String, _ message: String) {
            if !condition { issues.append(Issue(node.location(at: path), path, message)) }
        }
        let data = settings.data, model = settings.model
        let nyquist = Double(data.sampleRate) / 2
        require(data.fmax <= nyquist, "data.fmax", "must not exceed half of data.sample_rate (\(nyquist) Hz)")
        require(data.fmin < data.fmax, "data.fmin", "must be below data.fmax")
        require(data.hop <= data.nFft, "data.hop", "must not exceed data.n_fft")
        if issues.isEmpty {
            do {
                _ = try MelFilterbank(sampleRate: data.sampleRate, nFFT: data.nFft, nMels: data.nMels,
                                      fmin: data.fmin, fmax: data.fmax)
            } catch {
                require(false, "data.n_mels", "\(error)")
            }
        }
        for (key, heads) in [("model.text_encoder.heads", model.textEncoder.heads), ("model.fusion.heads", model.fusion.heads)] {
            require(model.dim % heads == 0, key, "must divide model.dim (\(model.dim))")
        }
        require(!model.decoder.harmonics || model.decoder.pitch, "model.decoder.harmonics",
                "draws the harmonics of the predicted pitch; set model.decoder.pitch: true too")
        require(!model.decoder.voicing || model.decoder.pitch, "model.decoder.voicing",
                "predicts voicing beside the pitch; set model.decoder.pitch: true too")
        require(!model.decoder.relativePitch || model.decoder.voicing, "model.decoder.relative_pitch",
                "is relative to a continuous pitch; set model.decoder.voicing: true too")
        require(!model.bert.finetune || model.bert.path != nil, "model.bert.finetune",
                "needs model.bert.path, the encoder to fine-tune")
        require(model.bert.path == nil || data.text == .phonemes, "model.bert.path",
                "BERT word features are spread over phoneme words; use data.text: phonemes")
        // Resuming continues a run from its last checkpoint, whichever cell wrote it.
        let kinds = settings.cells.map(\.kind)
        require(!(kinds.contains(.train) && kinds.contains(.trainVocoder)), "cells",
                "a notebook trains either the model (`train`) or a vocoder (`train_vocoder`), not both: train the vocoder in its own run and name it in `vocoder`")
        require(kinds.filter { $0 == .trainVocoder }.count <= 1, "cells", "holds more than one `train_vocoder` cell")
        for (index, cell) in settings.cells.enumerated() {
            guard case .trainVocoder(let vocoder) = cell else { continue }
            if vocoder.ganStart != nil, let (key, message) = vocoder.gan.problem(nFFT: data.nFft) {
                require(false, "cells.\(index).gan.\(key)", message)
            }
            guard vocoder.vocoder == .wavenet else { continue }
            do { try vocoder.wavenet.config(nMels: data.nMels, hop: data.hop).validate() } catch {
                if case let .badConfig(key, value, reason) = error as? WaveNetError {
                    require(false, "cells.\(index).wavenet.\(snakeCase(key))", "= \(value) \(reason)")
                }
            }
        }
        return issues
    }
}

/// `residualChannels` → `residual_channels`: a model config's key as the experiment file spells it.
func snakeCase(_ key: String) -> String {
    key.reduce(into: "") { out, c in out += c.isUppercase ? "_" + c.lowercased() : String(c) }
}
