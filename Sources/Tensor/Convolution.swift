/// 1-D convolution and transposed convolution as im2col + sgemm, per batch item.
///
/// Shapes (PyTorch layout): conv1d input `[B, Cin, T]`, weight `[Cout, Cin, K]`, bias
/// `[Cout]`, output `[B, Cout, T']` with `T' = ⌊(T + 2p − d(K−1) − 1)/s⌋ + 1`.
/// With `col[(c,k), t] = x[c, t·s + k·d − p]` (0 outside), a `[Cin·K, T']` matrix:
/// ```
/// y[b] = W · col[b] + bias          (W viewed as [Cout, Cin·K])
/// ∂W  += g[b] · col[b]ᵀ             ∂bias = Σ_{b,t} g
/// ∂x[b] = col2im(Wᵀ · g[b])         (col2im adds each column entry back to its x position)
/// ```
/// The transposed convolution is the adjoint: input `[B, Cin, T]`, weight `[Cin, Cout, K]`,
/// output `[B, Cout, T']`, `T' = (T−1)s − 2p + d(K−1) + 1`; `y[b] = col2im(Wᵀ · x[b])`.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    tensorCheck(x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[1],
                "conv1d: input \(x.shape) ([B, Cin, T]) does not match weight \(weight.shape) ([Cout, Cin, K])")
    let (batch, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[0], weight.shape[2])
    let geometry = ConvGeometry(channels: cin, length: length, kernel: kernel, stride: stride,
                                padding: padding, dilation: dilation, op: "conv1d of \(x.shape)")
    if let bias { tensorCheck(bias.shape == [cout], "conv1d: bias \(bias.shape) should be [\(cout)]") }
    let outLength = geometry.outLength, rowsK = cin * kernel
    let out = Tensor(uninitialized: [batch, cout, outLength])
    let needsCols = GradMode.isEnabled && weight.requiresGrad
    let cols = Tensor(uninitialized: needsCols ? [batch, rowsK, outLength] : [1, rowsK, outLength])
    for b in 0..<batch {
        let col = cols.data + (needsCols ? b * rowsK * outLength : 0)
        geometry.im2col(x.data + b * cin * length, into: col)
        let y = out.data + b * cout * outLength
        if let bias { for o in 0..<cout { (y + o * outLength).update(repeating: bias.data[o], count: outLength) } }
        BLAS.gemm(transA: false, transB: false, m: cout, n: outLength, k: rowsK, a: weight.data, lda: rowsK,
                  b: col, ldb: outLength, beta: bias == nil ? 0 : 1, c: y, ldc: outLength)
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: "conv1d", inputs: inputs) { _, g in
        var dx: Tensor?, dw: Tensor?
        if x.requiresGrad {
            let dxT = Tensor.zeros(x.shape), dcol = Tensor(uninitialized: [rowsK, outLength])
            for b in 0..<batch {
                BLAS.gemm(transA: true, transB: false, m: rowsK, n: outLength, k: cout, a: weight.data, lda: rowsK,
                          b: g.data + b * cout * outLength, ldb: outLength, c: dcol.data, ldc: outLength)
                geometry.col2im(dcol.data, addingInto: dxT.data + b * cin * length)
            }
            dx = dxT
        }
        if weight.requiresGrad {
            let dwT = Tensor.zeros(weight.shape)
            for b in 0..<batch {
                BLAS.gemm(transA: false, transB: true, m: cout, n: rowsK, k: outLength,
                          a: g.data + b * cout * outLength, lda: outLength,
                          b: cols.data + b * rowsK * outLength, ldb: outLength, beta: 1, c: dwT.data, ldc: rowsK)
            }
            dw = dwT
        }
        let db = (bias?.requiresGrad ?? false) ? g.sum(axes: [0, 2]) : nil
        return [dx, dw, db]
    }
}

/// Transposed 1-D convolution (PyTorch `conv_transpose1d`, no output padding or groups);
/// see ``conv1d(_:weight:bias:stride:padding:dilation:)`` for the formulas.
public func convTranspose1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                            stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    tensorCheck(x.rank == 3 && weight.rank == 3 && x.shape[1] == weight.shape[0],
                "convTranspose1d: input \(x.shape) ([B, Cin, T]) does not match weight \(weight.shape) ([Cin, Cout, K])")
    let (batch, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[1], weight.shape[2])
    let outLength = (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1
    tensorCheck(outLength > 0, "convTranspose1d: output length \(outLength) ≤ 0 for input \(x.shape), weight \(weight.shape)")
    // The output is the input of the adjoint convolution.
    let geometry = ConvGeometry(channels: cout, length: outLength, kernel: kernel, stride: stride,
                                padding: padding, dilation: dilation, op: "convTranspose1d of \(x.shape)")
    tensorCheck(geometry.outLength == length, "convTranspose1d: inconsistent geometry for \(x.shape)")
    if let bias { tensorCheck(bias.shape == [cout], "convTranspose1d: bias \(bias.shape) should be [\(cout)]") }
    let rowsK = cout * kernel
    let out = Tensor.zeros([batch, cout, outLength])
    let col = Tensor(uninitialized: [rowsK, length])
    for b in 0..<batch {
        BLAS.gemm(transA: true, transB: false, m: rowsK, n: length, k: cin, a: weight.data, lda: rowsK,
                  b: x.data + b * cin * length, ldb: length, c: col.data, ldc: length)
        let y = out.data + b * cout * outLength
        geometry.col2im(col.data, addingInto: y)
        if let bias { for o in 0..<cout { for t in 0..<outLength { y[o * outLength + t] += bias.data[o] } } }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: "convTranspose1d", inputs: inputs) { _, g in
        let gcol = Tensor(uninitialized: [rowsK, length])
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight.requiresGrad ? Tensor.zeros(weight.shape) : nil
        for b in 0..<batch {
            geometry.im2col(g.data + b * cout * outLength, into: gcol.data)
            if let dx {
                BLAS.gemm(transA: false, transB: false, m: cin, n: length, k: rowsK, a: weight.data, lda: rowsK,
                          b: gcol.data, ldb: length, c: dx.data + b * cin * length, ldc: length)
            }
            if let dw {
                BLAS.gemm(transA: false, transB: true, m: cin, n: rowsK, k: length, a: x.data + b * cin * length,
                          lda: length, b: gcol.data, ldb: length, beta: 1, c: dw.data, ldc: rowsK)
            }
        }
        let db = (bias?.requiresGrad ?? false) ? g.sum(axes: [0, 2]) : nil
        return [dx, dw, db]
    }
}

/// The index geometry shared by im2col and col2im.
struct ConvGeometry {
    let channels, length, kernel, stride, padding, dilation, outLength: Int

    init(channels: Int, length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, op: String) {
        tensorCheck(kernel >= 1 && stride >= 1 && dilation >= 1 && padding >= 0,
                    "\(op): need kernel, stride, dilation ≥ 1 and padding ≥ 0 (got \(kernel), \(stride), \(dilation), \(padding))")
        self.channels = channels; self.length = length; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.dilation = dilation
        outLength = (length + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
        tensorCheck(outLength > 0, "\(op): kernel \(kernel) with dilation \(dilation) is longer than the padded input (\(length) + 2·\(padding))")
    }

    /// The output positions `t` whose tap `k` reads inside the input: `0 ≤ t·s + k·d − p < length`.
    @inline(__always)
    func validRange(_ k: Int) -> Range<Int> {
        let shift = k * dilation - padding
        let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let hi = length - shift <= 0 ? 0 : (length - shift - 1) / stride + 1
        return Swift.min(lo, outLength) ..< Swift.max(Swift.min(hi, outLength), Swift.min(lo, outLength))
    }

    /// `col[(c,k), t] = x[c, t·s + k·d − p]`, zero outside; rows of `outLength`.
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        Parallel.forRanges(channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(kernel * outLength, 1))) { r in
            for c in r {
                for k in 0..<kernel {
                    let row = col + (c * kernel + k) * outLength, src = x + c * length
                    let valid = validRange(k), shift = k * dilation - padding
                    row.update(repeating: 0, count: valid.lowerBound)
                    if stride == 1 {
                        (row + valid.lowerBound).update(from: src + valid.lowerBound + shift, count: valid.count)
                    } else {
                        for t in valid { row[t] = src[t * stride + shift] }
                    }
                    (row + valid.upperBound).update(repeating: 0, count: outLength - valid.upperBound)
                }
            }
        }
    }

    /// The adjoint of ``im2col(_:into:)``: `x[c, t·s + k·d − p] += col[(c,k), t]`.
    func col2im(_ col: UnsafePointer<Float>, addingInto x: UnsafeMutablePointer<Float>) {
        Parallel.forRanges(channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(kernel * outLength, 1))) { r in
            for c in r {
                for k in 0..<kernel {
                    let row = col + (c * kernel + k) * outLength, dst = x + c * length
                    let shift = k * dilation - padding
                    for t in validRange(k) { dst[t * stride + shift] += row[t] }
                }
            }
        }
    }
}
