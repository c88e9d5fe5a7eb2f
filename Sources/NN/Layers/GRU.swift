import Tensor

/// A one-layer gated recurrent unit over `[batch, time, input]` (Cho et al. 2014) with
/// PyTorch's `GRU` layout (gates stacked r, z, n; batch first):
///
/// ```
/// r = σ(W_ir x + b_ir + W_hr h + b_hr)
/// z = σ(W_iz x + b_iz + W_hz h + b_hz)
/// n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
/// h' = (1 − z) ⊙ n + z ⊙ h
/// weight_ih_l0 [3H, I], weight_hh_l0 [3H, H], biases [3H] ~ U(−1/√H, 1/√H)
/// ```
/// The input projections of all steps run as one matrix product before the recurrence.
public final class GRU: Module {
    @Key("weight_ih_l0") public var weightIH: Tensor
    @Key("weight_hh_l0") public var weightHH: Tensor
    @Key("bias_ih_l0") public var biasIH: Tensor
    @Key("bias_hh_l0") public var biasHH: Tensor
    public let hiddenSize: Int

    public init(inputSize: Int, hiddenSize: Int, generator: inout SplitMix64) {
        self.hiddenSize = hiddenSize
        let b = 1 / Float(hiddenSize).squareRoot()
        _weightIH.wrappedValue = .uniform([3 * hiddenSize, inputSize], low: -b, high: b, generator: &generator, requiresGrad: true)
        _weightHH.wrappedValue = .uniform([3 * hiddenSize, hiddenSize], low: -b, high: b, generator: &generator, requiresGrad: true)
        _biasIH.wrappedValue = .uniform([3 * hiddenSize], low: -b, high: b, generator: &generator, requiresGrad: true)
        _biasHH.wrappedValue = .uniform([3 * hiddenSize], low: -b, high: b, generator: &generator, requiresGrad: true)
    }

    /// Runs over `x` `[B, T, I]` from `initial` `[B, H]` (zeros by default); returns every
    /// step's state `[B, T, H]` and the last state `[B, H]`.
    public func callAsFunction(_ x: Tensor, initial: Tensor? = nil) -> (outputs: Tensor, last: Tensor) {
        nnCheck(x.rank == 3 && x.shape[2] == weightIH.shape[1],
                     "GRU: input \(x.shape) should be [B, T, \(weightIH.shape[1])]")
        let (batch, steps, hidden) = (x.shape[0], x.shape[1], hiddenSize)
        var h = initial ?? .zeros([batch, hidden])
        nnCheck(h.shape == [batch, hidden], "GRU: initial state \(h.shape) should be [\(batch), \(hidden)]")
        let inputGates = linear(x, weight: weightIH, bias: biasIH).split(axis: 1, sizes: Array(repeating: 1, count: steps))
        var outputs: [Tensor] = []
        for t in 0..<steps {
            let gi = inputGates[t].reshaped([batch, 3 * hidden]).split(axis: 1, sizes: [hidden, hidden, hidden])
            let gh = linear(h, weight: weightHH, bias: biasHH).split(axis: 1, sizes: [hidden, hidden, hidden])
            let r = (gi[0] + gh[0]).sigmoid()
            let z = (gi[1] + gh[1]).sigmoid()
            let n = (gi[2] + r * gh[2]).tanh()
            h = n + z * (h - n)                                   // (1 − z)·n + z·h
            outputs.append(h.unsqueezed(1))
        }
        return (Tensor.concat(outputs, axis: 1), h)
    }
}
