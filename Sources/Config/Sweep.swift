import Foundation
import Seeded

/// One configuration of a sweep: the overrides that make it, and a label naming them.
public struct SweepPoint: Sendable {
    public var overrides: [Override]
    /// `model.fusion.kind=film, train.lr=0.0003`
    public var label: String

    public init(overrides: [Override], label: String) {
        self.overrides = overrides
        self.label = label
    }
}

/// A `sweep:` section: a `grid` of values per key (every combination), and/or `random` draws
/// (`count` configurations, each key sampled from `uniform`, `log_uniform`, `int` or `choice`).
/// With both, every random draw is combined with every grid point.
///
///     sweep:
///       grid:
///         model.fusion.kind: [attention_pool, cross_attention, concat, film]
///       random:
///         count: 4
///         seed: 7
///         params:
///           train.lr: {log_uniform: [1.0e-4, 3.0e-3]}
public struct Sweep: Sendable {
    public var points: [SweepPoint]

    /// Reads and checks a sweep section against the schema its keys must belong to.
    public init(_ node: SourcedNode, schema: Section) throws(ConfigError) {
        var issues: [Issue] = []
        let sections = node.entries(reporting: &issues, path: "sweep")
        var grid: [[Override]] = [[]]
        var draws: [[Override]] = [[]]
        for entry in sections {
            switch entry.key {
            case "grid":
                for axis in entry.value.entries(reporting: &issues, path: "sweep.grid") {
                    let path = "sweep.grid.\(axis.key)"
                    guard checkKey(axis.key, at: axis.keyLocation, path: path, schema, &issues) else { continue }
                    guard case .sequence(let values, _) = axis.value, !values.isEmpty else {
                        issues.append(Issue(axis.value.location, path, "expected a non-empty list of values"))
                        continue
                    }
                    grid = grid.flatMap { prefix in values.map { prefix + [Override(keyPath: axis.key, value: $0)] } }
                }
            case "random":
                draws = randomDraws(entry.value, schema, &issues)
            default:
                issues.append(Issue(entry.keyLocation, "sweep.\(entry.key)",
                                    "unknown key" + suggestion(for: entry.key, in: ["grid", "random"])))
            }
        }
        if !issues.isEmpty { throw ConfigError(issues) }
        points = grid.flatMap { g in draws.map { r in
            let overrides = g + r
            return SweepPoint(overrides: overrides,
                              label: overrides.map { "\($0.keyPath)=\($0.value.scalarText)" }.joined(separator: ", "))
        } }
    }
}

private func checkKey(_ key: String, at location: Location, path: String, _ schema: Section,
                      _ issues: inout [Issue]) -> Bool {
    guard schema.kind(at: key) != nil else {
        issues.append(Issue(location, path, "unknown key" + suggestion(for: key, in: schema.keyPaths)))
        return false
    }
    return true
}

private func randomDraws(_ node: SourcedNode, _ schema: Section, _ issues: inout [Issue]) -> [[Override]] {
    var count = 0, seed: UInt64 = 0
    var samplers: [(key: String, location: Location, sample: (inout SplitMix64) -> String)] = []
    for entry in node.entries(reporting: &issues, path: "sweep.random") {
        let path = "sweep.random.\(entry.key)"
        switch entry.key {
        case "count":
            guard let n = Int(entry.value.scalarText), n > 0 else {
                issues.append(Issue(entry.value.location, path, "expected a positive integer")); continue
            }
            count = n
        case "seed":
            guard let s = UInt64(entry.value.scalarText) else {
                issues.append(Issue(entry.value.location, path, "expected a non-negative integer")); continue
            }
            seed = s
        case "params":
            for param in entry.value.entries(reporting: &issues, path: path) {
                let paramPath = "\(path).\(param.key)"
                guard checkKey(param.key, at: param.keyLocation, path: paramPath, schema, &issues) else { continue }
                if let sampler = makeSampler(param.value, path: paramPath, &issues) {
                    samplers.append((param.key, param.value.location, sampler))
                }
            }
        default:
            issues.append(Issue(entry.keyLocation, path,
                                "unknown key" + suggestion(for: entry.key, in: ["count", "seed", "params"])))
        }
    }
    if count == 0 { issues.append(Issue(node.location, "sweep.random.count", "missing; how many draws?")) }
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        samplers.map { Override(keyPath: $0.key, value: .scalar($0.sample(&rng), plain: true, $0.location)) }
    }
}

/// `{uniform: [a, b]}`, `{log_uniform: [a, b]}`, `{int: [a, b]}` or `{choice: [x, y, …]}`.
private func makeSampler(_ node: SourcedNode, path: String, _ issues: inout [Issue])
    -> ((inout SplitMix64) -> String)? {
    let entries = node.entries(reporting: &issues, path: path)
    guard entries.count == 1, let entry = entries.first,
          case .sequence(let items, _) = entry.value, !items.isEmpty else {
        issues.append(Issue(node.location, path,
                            "expected one of {uniform: [a, b]}, {log_uniform: [a, b]}, {int: [a, b]}, {choice: [...]}"))
        return nil
    }
    let texts = items.map(\.scalarText)
    if entry.key == "choice" { return { texts[Int($0.next() % UInt64(texts.count))] } }
    let bounds = texts.compactMap(Double.init)
    guard bounds.count == 2, bounds[0] <= bounds[1] else {
        issues.append(Issue(entry.value.location, "\(path).\(entry.key)", "expected [low, high] numbers"))
        return nil
    }
    let (low, high) = (bounds[0], bounds[1])
    switch entry.key {
    case "uniform": return { "\(low + (high - low) * $0.nextUnit())" }
    case "log_uniform" where low > 0: return { "\(exp(log(low) + (log(high) - log(low)) * $0.nextUnit()))" }
    case "int": return { "\(Int(low) + Int($0.next() % UInt64(Int(high) - Int(low) + 1)))" }
    default:
        issues.append(Issue(entry.keyLocation, "\(path).\(entry.key)",
                            "unknown distribution (uniform, log_uniform with low > 0, int, choice)"))
        return nil
    }
}

extension SourcedNode {
    /// The scalar's text, or a compact rendering for labels.
    var scalarText: String {
        switch self {
        case .scalar(let s, _, _): s
        case .sequence(let items, _): "[" + items.map(\.scalarText).joined(separator: ",") + "]"
        case .mapping: "{…}"
        }
    }

    func entries(reporting issues: inout [Issue], path: String) -> [Entry] {
        guard case .mapping(let entries, _) = self else {
            issues.append(Issue(location, path, "expected a section of keys"))
            return []
        }
        return entries
    }
}
