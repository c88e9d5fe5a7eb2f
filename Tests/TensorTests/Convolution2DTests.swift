import Testing
@testable import Tensor

/// conv2d by its definition:
/// y[b,o,i,j] = bias[o] + Σ_{c,u,v} w[o,c,u,v] · x[b, g·Cin/G + c, i·s_h + u·d_h − p_h, j·s_w + v·d_w − p_w].
func naiveConv2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: (Int, Int), padding: (Int, Int),
                 dilation: (Int, Int), groups: Int = 1) -> [Float] {
    let (batch, cin, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, groupIn, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let outH = (height + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let outW = (width + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    var y = [Float](repeating: 0, count: batch * cout * outH * outW)
    let xs = x.scalars, ws = w.scalars
    for b in 0..<batch { for o in 0..<cout { for i in 0..<outH { for j in 0..<outW {
        var s = bias?.scalars[o] ?? 0
        let group = o / (cout / groups)
        for c in 0..<groupIn { for u in 0..<kh { for v in 0..<kw {
            let (r, q) = (i * stride.0 + u * dilation.0 - padding.0, j * stride.1 + v * dilation.1 - padding.1)
            guard r >= 0 && r < height && q >= 0 && q < width else { continue }
            s += ws[((o * groupIn + c) * kh + u) * kw + v] * xs[((b * cin + group * groupIn + c) * height + r) * width + q]
        } } }
        y[((b * cout + o) * outH + i) * outW + j] = s
    } } } }
    return y
}

@Suite("2-D convolution")
struct Convolution2DTests {
    /// (stride, padding, dilation), each (height, width).
    static let geometries: [((Int, Int), (Int, Int), (Int, Int))] = [
        ((1, 1), (0, 0), (1, 1)), ((1, 2), (1, 4), (1, 1)), ((2, 1), (2, 0), (1, 1)),
        ((1, 1), (1, 1), (2, 1)), ((3, 2), (0, 1), (1, 2)),
    ]

    @Test("conv2d matches the definition and its gradients check", arguments: 0..<geometries.count)
    func conv(index: Int) {
        let (s, p, d) = Self.geometries[index]
        let x = randn([2, 3, 7, 6], seed: 1), w = randn([4, 3, 3, 2], seed: 2), b = randn([4], seed: 3)
        let y = conv2d(x, weight: w, bias: b, stride: s, padding: p, dilation: d)
        expectClose(y.scalars, naiveConv2d(x, w, b, stride: s, padding: p, dilation: d))
        expectGradients([x, w, b]) { conv2d($0[0], weight: $0[1], bias: $0[2], stride: s, padding: p, dilation: d) }
    }

    @Test("conv2d with groups matches the definition and its gradients check")
    func grouped() {
        let x = randn([1, 4, 5, 4], seed: 4), w = randn([6, 2, 3, 3], seed: 5), b = randn([6], seed: 6)
        let y = conv2d(x, weight: w, bias: b, padding: (1, 1), groups: 2)
        expectClose(y.scalars, naiveConv2d(x, w, b, stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 2))
        expectGradients([x, w, b]) { conv2d($0[0], weight: $0[1], bias: $0[2], padding: (1, 1), groups: 2) }
    }

    @Test("a (K, 1) kernel is conv1d along the height of each column")
    func columnsAreConv1d() {
        let x = randn([2, 3, 9, 4], seed: 7), w = randn([5, 3, 5, 1], seed: 8)
        let y = conv2d(x, weight: w, stride: (3, 1), padding: (2, 0))
        // [B, C, H, W] → [B·W, C, H]
        let columns = x.permuted([0, 3, 1, 2]).reshaped([8, 3, 9])
        let z = conv1d(columns, weight: w.reshaped([5, 3, 5]), stride: 3, padding: 2)
        expectClose(y.permuted([0, 3, 1, 2]).scalars, z.scalars)
    }

    @Test("output sizes follow PyTorch")
    func sizes() {
        let y = conv2d(.zeros([1, 2, 33, 20]), weight: .zeros([4, 2, 3, 9]), stride: (1, 2), padding: (1, 4))
        #expect(y.shape == [1, 4, 33, 10])
    }
}
