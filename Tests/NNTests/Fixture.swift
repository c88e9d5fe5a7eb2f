import Foundation
import Testing
import Tensor
@testable import NN

/// A committed fixture of Tests/NNTests/Fixtures (written by scripts/fixtures/make_nn_fixtures.py).
func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures")!
}

/// `‖a − b‖ / ‖b‖` (the whole tensor's relative error; absolute if `b` is zero).
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "relativeError: \(a.count) vs \(b.count) values")
    var diff: Double = 0, norm: Double = 0
    for (x, y) in zip(a, b) {
        diff += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return Float((diff / max(norm, 1e-30)).squareRoot())
}

/// A PyTorch reference case: weights (`param.`), inputs, outputs, upstream gradients and the
/// resulting parameter and input gradients (see the fixture script for the key scheme).
struct Reference {
    let name: String
    let arrays: [String: NamedArray]
    let config: [String: Any]

    init(_ name: String) throws {
        self.name = name
        let (arrays, metadata) = try Safetensors.read(fixtureURL(name))
        self.arrays = arrays
        let json = metadata["config"].flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }
        config = json as? [String: Any] ?? [:]
    }

    func array(_ key: String) throws -> NamedArray {
        try #require(arrays[key], "\(name): no tensor \(key)")
    }

    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        let a = try array(key)
        return Tensor(a.values, shape: a.shape, requiresGrad: requiresGrad)
    }

    /// Integer values stored as floats (tokens, labels).
    func ints(_ key: String) throws -> [Int] { try array(key).values.map { Int($0) } }

    func int(_ key: String) throws -> Int { try #require(config[key] as? Int, "\(name): config has no \(key)") }

    /// The module's state dict from the `param.` tensors.
    var stateDict: StateDict {
        Dictionary(uniqueKeysWithValues: arrays.compactMap { key, value in
            key.hasPrefix("param.") ? (String(key.dropFirst(6)), value) : nil
        })
    }

    /// `Σ_k sum(output_k · upstream_k)`, the scalar whose gradients the fixture holds.
    func loss(_ outputs: [String: Tensor]) throws -> Tensor {
        var total: Tensor?
        for (key, output) in outputs.sorted(by: { $0.key < $1.key }) {
            let term = (output * (try tensor("upstream.\(key)"))).sum()
            total = total.map { $0 + term } ?? term
        }
        return try #require(total)
    }

    /// Checks `values` against the reference tensor `key` at relative error ≤ `tolerance`.
    func expectClose(_ values: Tensor?, _ key: String, tolerance: Float = 1e-4,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try array(key)
        let values = try #require(values, "\(name): \(key) was not computed", sourceLocation: sourceLocation)
        #expect(values.shape == expected.shape, "\(name): \(key) shape", sourceLocation: sourceLocation)
        guard values.shape == expected.shape else { return }
        let error = relativeError(values.scalars, expected.values)
        #expect(error <= tolerance, "\(name): \(key) relative error \(error)", sourceLocation: sourceLocation)
    }

    /// Runs `forward` on `module` loaded with the reference weights, backpropagates the
    /// reference loss, and checks every output, every parameter gradient and the gradient of
    /// each input listed in `inputs` (created with `requiresGrad`).
    func check(_ module: Module, inputs: [String] = [],
               sourceLocation: SourceLocation = #_sourceLocation,
               _ forward: ([String: Tensor]) throws -> [String: Tensor]) throws {
        try module.load(stateDict: stateDict)
        var given: [String: Tensor] = [:]
        for key in arrays.keys where key.hasPrefix("input.") {
            let name = String(key.dropFirst(6))
            given[name] = try tensor(key, requiresGrad: inputs.contains(name))
        }
        let outputs = try forward(given)
        for (key, output) in outputs { try expectClose(output, "output.\(key)", sourceLocation: sourceLocation) }
        try loss(outputs).backward()
        let gradKeys = arrays.keys.filter { $0.hasPrefix("grad.") }
        #expect(gradKeys.count == module.namedParameters().count, "\(name): gradient count",
                sourceLocation: sourceLocation)
        for (name, parameter) in module.namedParameters() {
            try expectClose(parameter.grad, "grad.\(name)", sourceLocation: sourceLocation)
        }
        for name in inputs {
            try expectClose(given[name]?.grad, "grad_input.\(name)", sourceLocation: sourceLocation)
        }
    }
}
