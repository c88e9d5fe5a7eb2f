/// Inverted dropout with a seeded generator.
///
/// Each element is kept with probability `1 − p` and scaled by `1/(1 − p)`, so the
/// expectation is unchanged: `y = x·m`, `mᵢ = [uᵢ ≥ p] / (1 − p)`, `uᵢ` from
/// ``SplitMix64/nextUniform()``; `∂x = g·m`. The same generator state gives the same mask.
extension Tensor {
    public func dropout(_ p: Float, generator: inout SplitMix64) -> Tensor {
        tensorCheck(p >= 0 && p < 1, "dropout: probability \(p) must be in [0, 1)")
        if p == 0 { return self }
        let mask = Tensor(uninitialized: shape)
        let scale = 1 / (1 - p)
        for i in 0..<count { mask.data[i] = generator.nextUniform() >= p ? scale : 0 }
        let out = BinaryKernel.apply(Mul.self, self, mask, op: "dropout")
        return Tensor.record(out, op: "dropout", inputs: [self]) { _, g in [g * mask] }
    }
}
