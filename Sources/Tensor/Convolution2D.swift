/// 2-D convolution (PyTorch's `conv2d`): input `[B, Cin, H, W]`, weight `[Cout, Cin/G, KH, KW]`,
/// bias `[Cout]`, output `[B, Cout, H', W']`, per axis `H' = ⌊(H + 2p − d(K−1) − 1)/s⌋ + 1`:
/// ```
/// y[b, o, i, j] = bias[o] + Σ_{c,u,v} weight[o, c, u, v] · x[b, g·Cin/G + c, i·s_h + u·d_h − p_h, j·s_w + v·d_w − p_w]
/// ```
/// The same im2col + sgemm as ``conv1d(_:weight:bias:stride:padding:dilation:groups:)`` (and
/// the same backward), with the column matrix's rows `(c, u, v)` and columns `(b, i, j)`:
/// `col[(c,u,v), (b,i,j)] = x[b, c, i·s_h + u·d_h − p_h, j·s_w + v·d_w − p_w]` (0 outside).
/// Stride, padding and dilation are `(height, width)`.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1),
                   padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
    tensorCheck(groups >= 1 && x.rank == 4 && weight.rank == 4 && x.shape[1] % groups == 0
                    && weight.shape[0] % groups == 0 && x.shape[1] == weight.shape[1] * groups,
                "conv2d: input \(x.shape) ([B, Cin, H, W]) does not match weight \(weight.shape) "
                    + "([Cout, Cin/\(groups), KH, KW]) with \(groups) groups (Cin and Cout must be multiples of the groups)")
    let cout = weight.shape[0]
    if let bias { tensorCheck(bias.shape == [cout], "conv2d: bias \(bias.shape) should be [\(cout)]") }
    let op = "conv2d of \(x.shape)"
    let geometry = ConvGeometry2D(
        channels: x.shape[1],
        rows: ConvGeometry(channels: 1, length: x.shape[2], kernel: weight.shape[2], stride: stride.0,
                           padding: padding.0, dilation: dilation.0, op: op + " (height)"),
        columns: ConvGeometry(channels: 1, length: x.shape[3], kernel: weight.shape[3], stride: stride.1,
                              padding: padding.1, dilation: dilation.1, op: op + " (width)"))
    return columnConvolution(x, weight: weight, bias: bias, groups: groups, geometry: geometry,
                             outShape: [x.shape[0], cout, geometry.rows.outLength, geometry.columns.outLength],
                             op: "conv2d")
}

/// The index map of a 2-D convolution: one ``ConvGeometry`` per axis, `rows` along the
/// height and `columns` along the width.
struct ConvGeometry2D: ColumnGeometry {
    let channels: Int
    let rows: ConvGeometry, columns: ConvGeometry

    var taps: Int { rows.kernel * columns.kernel }
    var inCount: Int { rows.length * columns.length }
    var outCount: Int { rows.outLength * columns.outLength }

    /// `col[(c,u,v), (i,j)] = x[c, i·s_h + u·d_h − p_h, j·s_w + v·d_w − p_w]`, zero outside;
    /// `outCount` values per row, rows `ld` apart.
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, ld: Int) {
        let (outH, outW, width) = (rows.outLength, columns.outLength, columns.length)
        forEachTap { c, u, v, row in
            let dst = col + row * ld, src = x + c * inCount
            let validI = rows.validRange(u), validJ = columns.validRange(v)
            let shiftI = u * rows.dilation - rows.padding, shiftJ = v * columns.dilation - columns.padding
            dst.update(repeating: 0, count: validI.lowerBound * outW)
            for i in validI {
                let out = dst + i * outW, line = src + (i * rows.stride + shiftI) * width
                out.update(repeating: 0, count: validJ.lowerBound)
                if columns.stride == 1 {
                    (out + validJ.lowerBound).update(from: line + validJ.lowerBound + shiftJ, count: validJ.count)
                } else {
                    for j in validJ { out[j] = line[j * columns.stride + shiftJ] }
                }
                (out + validJ.upperBound).update(repeating: 0, count: outW - validJ.upperBound)
            }
            (dst + validI.upperBound * outW).update(repeating: 0, count: (outH - validI.upperBound) * outW)
        }
    }

    /// The adjoint of ``im2col(_:into:ld:)``: `x[c, i·s_h + u·d_h − p_h, j·s_w + v·d_w − p_w] += col[(c,u,v), (i,j)]`.
    func col2im(_ col: UnsafePointer<Float>, ld: Int, addingInto x: UnsafeMutablePointer<Float>) {
        let (outW, width) = (columns.outLength, columns.length)
        forEachTap { c, u, v, row in
            let src = col + row * ld, dst = x + c * inCount
            let validJ = columns.validRange(v)
            let shiftI = u * rows.dilation - rows.padding, shiftJ = v * columns.dilation - columns.padding
            for i in rows.validRange(u) {
                let values = src + i * outW, line = dst + (i * rows.stride + shiftI) * width
                for j in validJ { line[j * columns.stride + shiftJ] += values[j] }
            }
        }
    }

    /// `body(c, u, v, row)` for every tap of every channel, `row = (c·KH + u)·KW + v`; channels
    /// split over cores (a channel's taps stay on one thread, so col2im's sums do not race).
    private func forEachTap(_ body: (Int, Int, Int, Int) -> Void) {
        let (kh, kw) = (rows.kernel, columns.kernel)
        Parallel.forRanges(channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(taps * outCount, 1))) { r in
            for c in r {
                for u in 0..<kh { for v in 0..<kw { body(c, u, v, (c * kh + u) * kw + v) } }
            }
        }
    }
}
