import Audio
import Config
import Foundation

/// One fully resolved configuration of an experiment file: what a single run executes.
///
/// A file with a `sweep:` section gives one `Experiment` per sweep point; `--set` overrides
/// apply to every point.
public struct Experiment: Sendable {
    /// The experiment file as given on the command line.
    public var file: String
    /// The resolved settings, defaults filled in.
    public var config: ConfigValue
    /// `model.fusion.kind=film` for a sweep point, nil otherwise.
    public var sweepLabel: String?

    public var name: String { config["name"]?.string ?? "" }

    /// Canonical JSON of the settings: stored with the run, hashed for rerun and caching.
    public var configJSON: String { config.canonicalJSON }

    /// Reads, merges (`extends:`), overrides (`--set`), expands (`sweep:`) and checks a file.
    /// Every problem of every sweep point is reported at once, each with its file and line.
    public static func load(_ file: String, overrides arguments: [String] = []) throws(ConfigError) -> [Experiment] {
        let schema = ExperimentSchema.root
        var (node, sweepNode) = try SourcedNode.loadResolvingExtends(file).removing("sweep")
        var issues: [Issue] = []
        for argument in arguments {
            do throws(ConfigError) {
                node = try Override(parsing: argument).apply(to: node, schema: schema)
            } catch {
                issues += error.issues
            }
        }
        let points = try sweepNode.map { node throws(ConfigError) in try Sweep(node, schema: schema).points }
        var experiments: [Experiment] = []
        for point in points ?? [SweepPoint(overrides: [], label: "")] {
            do throws(ConfigError) {
                var pointNode = node
                for override in point.overrides { pointNode = try override.apply(to: pointNode, schema: schema) }
                let config = try schema.resolve(pointNode)
                let crossIssues = ExperimentSchema.crossCheck(config, node: pointNode)
                if !crossIssues.isEmpty { throw ConfigError(crossIssues) }
                experiments.append(Experiment(file: file, config: config,
                                              sweepLabel: points == nil ? nil : point.label))
            } catch {
                issues += error.issues.filter { !issues.contains($0) }
            }
        }
        if !issues.isEmpty { throw ConfigError(issues) }
        return experiments
    }
}

extension ExperimentSchema {
    /// Rules that span several keys, which a per-key schema cannot state.
    static func crossCheck(_ config: ConfigValue, node: SourcedNode) -> [Issue] {
        var issues: [Issue] = []
        func require(_ condition: Bool, _ path: String, _ message: String) {
            if !condition { issues.append(Issue(node.location(at: path), path, message)) }
        }
        let rate = config["data.sample_rate"]?.double ?? 0
        require((config["data.fmax"]?.double ?? 0) <= rate / 2, "data.fmax",
                "must not exceed half of data.sample_rate (\(rate / 2) Hz)")
        require((config["data.fmin"]?.double ?? 0) < (config["data.fmax"]?.double ?? 0), "data.fmin",
                "must be below data.fmax")
        require((config["data.hop"]?.int ?? 0) <= (config["data.n_fft"]?.int ?? 0), "data.hop",
                "must not exceed data.n_fft")
        if issues.isEmpty, let rate = config["data.sample_rate"]?.int, let nFFT = config["data.n_fft"]?.int,
           let nMels = config["data.n_mels"]?.int, let fmin = config["data.fmin"]?.double,
           let fmax = config["data.fmax"]?.double {
            do {
                _ = try MelFilterbank(sampleRate: rate, nFFT: nFFT, nMels: nMels, fmin: fmin, fmax: fmax)
            } catch {
                require(false, "data.n_mels", "\(error)")
            }
        }
        let dim = config["model.dim"]?.int ?? 0
        for heads in ["model.text_encoder.heads", "model.fusion.heads"] {
            let h = config[heads]?.int ?? 1
            require(dim % h == 0, heads, "must divide model.dim (\(dim))")
        }
        require(config["model.bert.finetune"] != .bool(true) || config["model.bert.path"] != .null, "model.bert.finetune",
                "needs model.bert.path, the encoder to fine-tune")
        require(config["model.bert.path"] == .null || config["data.text"] == .string("phonemes"), "model.bert.path",
                "BERT word features are spread over phoneme words; use data.text: phonemes")
        return issues
    }
}
