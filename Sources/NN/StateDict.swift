import Foundation
import Tensor

/// A checkpoint's contents: parameter name → values (PyTorch's `state_dict()`).
public typealias StateDict = [String: NamedArray]

/// A state dict that does not fit the module: each problem names the tensor (and shapes).
public struct StateDictError: Error, CustomStringConvertible, Equatable {
    public var missing: [String]
    public var unexpected: [String]
    /// Name, the module's shape, the state dict's shape.
    public var mismatched: [(name: String, expected: [Int], found: [Int])]

    public var description: String {
        var lines = ["state dict does not match the module:"]
        if !missing.isEmpty { lines.append("  missing: \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { lines.append("  unexpected: \(unexpected.joined(separator: ", "))") }
        for m in mismatched {
            lines.append("  \(m.name): the module has shape \(m.expected), the state dict \(m.found)")
        }
        lines.append("  (was the checkpoint written by a model with another configuration?)")
        return lines.joined(separator: "\n")
    }

    public static func == (a: StateDictError, b: StateDictError) -> Bool {
        a.description == b.description
    }
}

extension NamedArray {
    /// The values of `tensor` (a copy).
    public init(_ tensor: Tensor) {
        self.init(shape: tensor.shape, values: tensor.scalars)
    }

    /// A new tensor holding these values.
    public var tensor: Tensor { Tensor(values, shape: shape) }
}

extension Module {
    /// A copy of every parameter's values, by dotted name.
    public func stateDict() -> StateDict {
        Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, NamedArray($0.tensor)) })
    }

    /// Copies `stateDict` into the parameters (in place: optimizers holding them stay valid).
    ///
    /// Strict: every parameter must be present with its exact shape and no other key may
    /// appear; otherwise nothing is changed and a ``StateDictError`` lists every problem.
    public func load(stateDict: StateDict) throws {
        let parameters = namedParameters()
        var error = StateDictError(missing: [], unexpected: [], mismatched: [])
        for (name, tensor) in parameters {
            guard let array = stateDict[name] else { error.missing.append(name); continue }
            if array.shape != tensor.shape {
                error.mismatched.append((name, tensor.shape, array.shape))
            }
        }
        let known = Set(parameters.map(\.name))
        error.unexpected = stateDict.keys.filter { !known.contains($0) }.sorted()
        guard error.missing.isEmpty, error.unexpected.isEmpty, error.mismatched.isEmpty else { throw error }
        for (name, tensor) in parameters {
            stateDict[name]!.values.withUnsafeBufferPointer { source in
                tensor.withUnsafeMutableBufferPointer { _ = $0.update(fromContentsOf: source) }
            }
        }
    }

    /// Writes the parameters to a safetensors file (F32; loads with Python's `safetensors`
    /// and `model.load_state_dict` of the matching PyTorch module).
    public func save(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict(), metadata: metadata, to: url)
    }

    /// Loads parameters from a safetensors file, strictly (see ``load(stateDict:)``).
    public func load(from url: URL) throws {
        try load(stateDict: Safetensors.read(url).arrays)
    }
}
