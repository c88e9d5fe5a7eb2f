/// The outcome of ``gradientCheck(_:epsilon:absoluteTolerance:relativeTolerance:seed:_:)``.
public struct GradientCheckResult: Sendable, CustomStringConvertible {
    /// One compared element: input number, flat index, analytic and numeric gradient.
    public struct Mismatch: Sendable {
        public let input: Int, index: Int
        public let analytic: Double, numeric: Double
    }
    /// Elements outside the tolerance (empty when the check passes).
    public let mismatches: [Mismatch]
    /// Largest `|analytic − numeric|` over all elements.
    public let maxAbsoluteError: Double
    /// Number of elements compared.
    public let checked: Int

    public var passed: Bool { mismatches.isEmpty }

    public var description: String {
        guard let m = mismatches.first else {
            return "gradient check passed (\(checked) elements, max |error| \(maxAbsoluteError))"
        }
        return "gradient check failed at \(mismatches.count) of \(checked) elements; first: input \(m.input) "
            + "index \(m.index): analytic \(m.analytic), numeric \(m.numeric)"
    }
}

/// Compares the gradients from ``Tensor/backward(_:retainGraph:)`` with central finite
/// differences, like `torch.autograd.gradcheck`.
///
/// The function's output is reduced to a scalar with fixed random weights `w` (seeded), so
/// every output element takes part: `L(x) = Σᵢ wᵢ fᵢ(x)`, summed in Double. For each input
/// element `xⱼ`:
/// ```
/// numeric  = (L(x + h eⱼ) − L(x − h eⱼ)) / (x⁺ⱼ − x⁻ⱼ)      (actual Float step, in Double)
/// analytic = ∂L/∂xⱼ from backward with seed w
/// pass if |analytic − numeric| ≤ atol + rtol·|numeric|
/// ```
/// Float32 forward passes limit the accuracy, hence the default `h = 1e-2` and loose
/// tolerances; keep inputs away from kinks (relu at 0, ties in max). The inputs are
/// perturbed in place and restored; their `grad` and `requiresGrad` are overwritten.
public func gradientCheck(_ inputs: [Tensor], epsilon: Float = 1e-2,
                          absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 1e-2,
                          seed: UInt64 = 0x5EED, _ f: ([Tensor]) -> Tensor) -> GradientCheckResult {
    for x in inputs {
        x.requiresGrad = true
        x.zeroGrad()
    }
    let y = f(inputs)
    let weights = Tensor.randn(y.shape, seed: seed)
    y.backward(weights)
    let analytic = inputs.map { $0.grad?.scalars ?? [Float](repeating: 0, count: $0.count) }

    func loss() -> Double {
        let out = noGrad { f(inputs) }
        var total = 0.0
        for i in 0..<out.count { total += Double(weights.data[i]) * Double(out.data[i]) }
        return total
    }

    var mismatches: [GradientCheckResult.Mismatch] = []
    var maxError = 0.0, checked = 0
    for (k, x) in inputs.enumerated() {
        for j in 0..<x.count {
            let v = x.data[j]
            let up = v + epsilon, down = v - epsilon
            x.data[j] = up
            let lossUp = loss()
            x.data[j] = down
            let lossDown = loss()
            x.data[j] = v
            let numeric = (lossUp - lossDown) / (Double(up) - Double(down))
            let a = Double(analytic[k][j])
            let error = Swift.abs(a - numeric)
            maxError = Swift.max(maxError, error)
            checked += 1
            if !(error <= absoluteTolerance + relativeTolerance * Swift.abs(numeric)) {
                mismatches.append(.init(input: k, index: j, analytic: a, numeric: numeric))
            }
        }
    }
    return GradientCheckResult(mismatches: mismatches, maxAbsoluteError: maxError, checked: checked)
}
