import Testing
@testable import Tensor

/// Random test input, seeded (the same every run).
func randn(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    Tensor.randn(shape, std: scale, seed: seed)
}

/// Random values with |x| in [0.2, 1.2]: away from the kinks of relu, max and abs.
func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = SplitMix64(seed: seed)
    let v = (0..<shape.reduce(1, *)).map { _ -> Float in
        let m = 0.2 + g.nextUniform()
        return g.nextUniform() < 0.5 ? -m : m
    }
    return Tensor(v, shape: shape)
}

/// Expects the analytic gradients of `f` to match finite differences.
func expectGradients(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation,
                     _ f: ([Tensor]) -> Tensor) {
    let result = gradientCheck(inputs, f)
    #expect(result.passed, "\(result)", sourceLocation: sourceLocation)
    #expect(result.checked == inputs.reduce(0) { $0 + $1.count }, sourceLocation: sourceLocation)
}

/// Expects two float sequences to agree within `tolerance` (absolute + relative).
func expectClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "counts \(a.count) vs \(b.count)", sourceLocation: sourceLocation)
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * (1 + abs(y))) {
        Issue.record("element \(i): \(x) vs \(y)", sourceLocation: sourceLocation)
        return
    }
}
