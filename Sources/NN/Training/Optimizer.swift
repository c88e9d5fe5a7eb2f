import Foundation
import Tensor

/// Updates parameters from their gradients. One instance per training run; it keeps the
/// parameter list (with names, for its state) and any per-parameter state.
///
/// The usual step:
/// ```swift
/// optimizer.zeroGrad()
/// let loss = l1Loss(model(x), target)
/// loss.backward()
/// clipGradNorm(model.parameters(), maxNorm: 1)
/// optimizer.step()
/// ```
/// Parameters whose ``Tensor/grad`` is `nil` are left unchanged (as in PyTorch).
public class Optimizer {
    /// The parameters, with the names used for the optimizer's saved state.
    public let parameters: [(name: String, tensor: Tensor)]
    /// The learning rate of the next ``step()``; schedules set it before each step.
    public var learningRate: Float
    /// Parameter `i` moves with `learningRateScales[i] · learningRate` (1 by default): PyTorch's
    /// parameter groups with their own `lr`, under one schedule (a pretrained part of a model
    /// fine-tuned more gently than the rest). Set by ``scaleLearningRate(_:forNamesWithPrefix:)``;
    /// not part of the saved state (it comes from the configuration).
    public private(set) var learningRateScales: [Float]
    /// Number of steps taken.
    public internal(set) var stepCount = 0

    init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float) {
        self.parameters = parameters
        self.learningRate = learningRate
        learningRateScales = Array(repeating: 1, count: parameters.count)
    }

    /// Multiplies the learning rate of every parameter whose name starts with `prefix` by `factor`.
    public func scaleLearningRate(_ factor: Float, forNamesWithPrefix prefix: String) {
        for (i, p) in parameters.enumerated() where p.name.hasPrefix(prefix) { learningRateScales[i] *= factor }
    }

    /// Applies one update to every parameter that has a gradient.
    public func step() {
        stepCount += 1
        for (index, p) in parameters.enumerated() {
            guard let grad = p.tensor.grad else { continue }
            p.tensor.withUnsafeMutableBufferPointer { value in
                grad.withUnsafeBufferPointer { g in update(index, value, g, learningRate: learningRate * learningRateScales[index]) }
            }
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for p in parameters { p.tensor.zeroGrad() }
    }

    /// Updates parameter `index` in place from its gradient `g` with its own learning rate `lr`
    /// (subclasses).
    func update(_ index: Int, _ value: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
                learningRate lr: Float) {
        fatalError("Optimizer.update must be overridden")
    }

    /// Per-parameter state buffers by suffix (e.g. `exp_avg`), `nil` before the first step.
    func stateBuffers() -> [String: [[Float]?]] { [:] }

    /// Restores buffers written by ``stateBuffers()``.
    func restoreBuffers(_ buffers: [String: [[Float]?]]) {}

    /// The optimizer state as safetensors content: tensors `<parameter>.<buffer>` (PyTorch's
    /// names: `exp_avg`, `exp_avg_sq`, `momentum_buffer`) and the step count in metadata.
    public func stateDict() -> (arrays: StateDict, metadata: [String: String]) {
        var arrays: StateDict = [:]
        var stateless: Set<String> = []
        for (suffix, buffers) in stateBuffers() {
            for (p, buffer) in zip(parameters, buffers) {
                if let buffer {
                    arrays["\(p.name).\(suffix)"] = NamedArray(shape: p.tensor.shape, values: buffer)
                } else {
                    stateless.insert(p.name)
                }
            }
        }
        var metadata = ["step": String(stepCount), "optimizer": String(describing: type(of: self))]
        // Parameters that never had a gradient have no buffers; listing them keeps loading strict.
        if !stateless.isEmpty { metadata["stateless"] = stateless.sorted().joined(separator: "\n") }
        return (arrays, metadata)
    }

    /// Restores a state written by ``stateDict()`` for the same parameters. Strict: a
    /// missing, unexpected or mis-shaped buffer is a ``StateDictError`` and nothing changes.
    public func load(stateDict arrays: StateDict, metadata: [String: String]) throws {
        let kind = String(describing: type(of: self))
        guard metadata["optimizer"] == kind, let step = metadata["step"].flatMap(Int.init) else {
            throw OptimizerStateError(message: "optimizer state: expected metadata optimizer=\(kind) and an integer step, found \(metadata)")
        }
        let stateless = Set((metadata["stateless"] ?? "").split(separator: "\n").map(String.init))
        var error = StateDictError(missing: [], unexpected: [], mismatched: [])
        var buffers: [String: [[Float]?]] = [:]
        var used: Set<String> = []
        for suffix in stateBuffers().keys {
            buffers[suffix] = parameters.map { p in
                let name = "\(p.name).\(suffix)"
                guard let array = arrays[name] else {
                    if !stateless.contains(p.name) { error.missing.append(name) }
                    return nil
                }
                used.insert(name)
                if array.shape != p.tensor.shape { error.mismatched.append((name, p.tensor.shape, array.shape)) }
                return array.values
            }
        }
        error.unexpected = arrays.keys.filter { !used.contains($0) }.sorted()
        guard error.missing.isEmpty, error.unexpected.isEmpty, error.mismatched.isEmpty else { throw error }
        stepCount = step
        restoreBuffers(buffers)
    }

    /// Writes ``stateDict()`` to a safetensors file.
    public func save(to url: URL) throws {
        let (arrays, metadata) = stateDict()
        try Safetensors.write(arrays, metadata: metadata, to: url)
    }

    /// Reads a file written by ``save(to:)``.
    public func load(from url: URL) throws {
        let (arrays, metadata) = try Safetensors.read(url)
        try load(stateDict: arrays, metadata: metadata)
    }
}

/// Optimizer state from another kind of optimizer, or without a step count.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
