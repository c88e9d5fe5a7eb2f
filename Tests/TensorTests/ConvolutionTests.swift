import Testing
@testable import Tensor

/// conv1d by its definition: y[b,o,t] = bias[o] + Σ_{c,k} w[o,c,k] · x[b, c, t·s + k·d − p].
func naiveConv1d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: Int, padding: Int, dilation: Int) -> [Float] {
    let (batch, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (w.shape[0], w.shape[2])
    let outLength = (length + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
    var y = [Float](repeating: 0, count: batch * cout * outLength)
    let xs = x.scalars, ws = w.scalars
    for b in 0..<batch { for o in 0..<cout { for t in 0..<outLength {
        var s = bias?.scalars[o] ?? 0
        for c in 0..<cin { for k in 0..<kernel {
            let i = t * stride + k * dilation - padding
            if i >= 0 && i < length { s += ws[(o * cin + c) * kernel + k] * xs[(b * cin + c) * length + i] }
        } }
        y[(b * cout + o) * outLength + t] = s
    } } }
    return y
}

/// Dot product of two tensors' values.
func dot(_ a: Tensor, _ b: Tensor) -> Float { zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 } }

@Suite("Convolution")
struct ConvolutionTests {
    static let geometries = [(1, 0, 1), (1, 1, 1), (2, 1, 1), (1, 2, 2), (3, 0, 2), (2, 2, 1)]

    @Test("conv1d matches the definition and its gradients check", arguments: geometries)
    func conv(geometry: (Int, Int, Int)) {
        let (s, p, d) = geometry
        let x = randn([2, 3, 7], seed: 1), w = randn([4, 3, 3], seed: 2), b = randn([4], seed: 3)
        let y = conv1d(x, weight: w, bias: b, stride: s, padding: p, dilation: d)
        expectClose(y.scalars, naiveConv1d(x, w, b, stride: s, padding: p, dilation: d))
        expectGradients([x, w, b]) { conv1d($0[0], weight: $0[1], bias: $0[2], stride: s, padding: p, dilation: d) }
    }

    /// Stride 1 with one group takes the shifted-GEMM path: without bias its first tap
    /// overwrites the output, and with three items the dropped columns sit between items.
    @Test("stride-1 conv1d without bias matches the definition and its gradients check", arguments: [(0, 3), (2, 1), (4, 2)])
    func shiftedWithoutBias(padding: Int, dilation: Int) {
        let x = randn([3, 2, 9], seed: 4), w = randn([5, 2, 2], seed: 5)
        shiftedConvolutionMatches(x, w, nil, padding: padding, dilation: dilation)
        let y = conv1d(x, weight: w, padding: padding, dilation: dilation)
        expectClose(y.scalars, naiveConv1d(x, w, nil, stride: 1, padding: padding, dilation: dilation))
        expectGradients([x, w]) { conv1d($0[0], weight: $0[1], padding: padding, dilation: dilation) }
    }

    /// The shifted-GEMM path directly (conv1d takes it only from a thousand output columns on).
    func shiftedConvolutionMatches(_ x: Tensor, _ w: Tensor, _ b: Tensor?, padding: Int, dilation: Int) {
        expectClose(shiftedConvolution(x, weight: w, bias: b, padding: padding, dilation: dilation).scalars,
                    naiveConv1d(x, w, b, stride: 1, padding: padding, dilation: dilation))
        let inputs = [x, w] + (b.map { [$0] } ?? [])
        expectGradients(inputs) { shiftedConvolution($0[0], weight: $0[1], bias: $0.count > 2 ? $0[2] : nil,
                                                     padding: padding, dilation: dilation) }
    }

    @Test("the shifted-GEMM conv1d with bias matches the definition and its gradients check", arguments: [(0, 1), (1, 1), (2, 2)])
    func shiftedWithBias(padding: Int, dilation: Int) {
        shiftedConvolutionMatches(randn([2, 3, 7], seed: 1), randn([4, 3, 3], seed: 2), randn([4], seed: 3),
                                  padding: padding, dilation: dilation)
    }

    /// Large enough for conv1d to take the shifted path itself.
    @Test func wideConvolutionTakesTheShiftedPathAndMatches() {
        let x = randn([2, 3, 600], seed: 6), w = randn([2, 3, 5], seed: 7), b = randn([2], seed: 8)
        expectClose(conv1d(x, weight: w, bias: b, padding: 2).scalars, naiveConv1d(x, w, b, stride: 1, padding: 2, dilation: 1))
    }

    @Test("convTranspose1d is the adjoint of conv1d: ⟨conv(x), y⟩ = ⟨x, convT(y)⟩", arguments: geometries)
    func transpose(geometry: (Int, Int, Int)) {
        let (s, p, d) = geometry
        let x = randn([2, 3, 7], seed: 4), w = randn([4, 3, 3], seed: 5)
        let cx = conv1d(x, weight: w, stride: s, padding: p, dilation: d)
        let y = randn(cx.shape, seed: 6)
        // conv1d weight [Cout=4, Cin=3, K] is convTranspose1d's [Cin=4, Cout=3, K].
        let ty = convTranspose1d(y, weight: w, stride: s, padding: p, dilation: d)
        if ty.shape == x.shape { #expect(abs(dot(cx, y) - dot(x, ty)) < 1e-3) }
        let bias = randn([3], seed: 7)
        expectGradients([y, w, bias]) { convTranspose1d($0[0], weight: $0[1], bias: $0[2], stride: s, padding: p, dilation: d) }
    }

    @Test("output length with stride and padding follows PyTorch")
    func lengths() {
        let x = Tensor.zeros([1, 2, 10])
        #expect(conv1d(x, weight: .zeros([5, 2, 3]), stride: 2, padding: 1).shape == [1, 5, 5])
        #expect(convTranspose1d(Tensor.zeros([1, 2, 5]), weight: .zeros([2, 3, 4]), stride: 2, padding: 1).shape == [1, 3, 10])
    }
}

@Suite("Grouped convolution")
struct GroupedConvolutionTests {
    /// Each group `g` convolves its own input channels with its own filters: the same as
    /// conv1d on the group's slice of channels.
    @Test("conv1d with groups is conv1d per group, and its gradients check", arguments: [(2, 4, 6, 1), (3, 3, 3, 2)])
    func perGroup(shape: (Int, Int, Int, Int)) {
        let (groups, cin, cout, dilation) = shape
        let x = randn([2, cin, 9], seed: 8), w = randn([cout, cin / groups, 3], seed: 9), b = randn([cout], seed: 10)
        let y = conv1d(x, weight: w, bias: b, padding: 2, dilation: dilation, groups: groups)
        let perGroup = (0..<groups).map { g in
            conv1d(x.slice(axis: 1, g * cin / groups ..< (g + 1) * cin / groups),
                   weight: w.slice(axis: 0, g * cout / groups ..< (g + 1) * cout / groups),
                   bias: b.slice(axis: 0, g * cout / groups ..< (g + 1) * cout / groups), padding: 2, dilation: dilation)
        }
        expectClose(y.scalars, Tensor.concat(perGroup, axis: 1).scalars)
        expectGradients([x, w, b]) { conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2, dilation: dilation, groups: groups) }
    }
}
