/// 1-D convolution and transposed convolution as im2col + sgemm (stride 1 with one group:
/// ``shiftedConvolution(_:weight:bias:padding:dilation:)``, the same products without im2col).
///
/// Shapes (PyTorch layout): conv1d input `[B, Cin, T]`, weight `[Cout, Cin/G, K]` for `G`
/// groups, bias `[Cout]`, output `[B, Cout, T']` with `T' = ⌊(T + 2p − d(K−1) − 1)/s⌋ + 1`.
/// With `col[(c,k), (b,t)] = x[b, c, t·s + k·d − p]` (0 outside), a `[Cin·K, B·T']` matrix
/// holding every batch item side by side, each product is one large GEMM per group (group
/// `g` owns the `Cin/G` input and `Cout/G` output channels at `g·Cin/G` and `g·Cout/G`, so its
/// rows of `col`, `W` and `Y` are contiguous blocks):
/// ```
/// Y_g = W_g · col_g (+ bias)      W_g viewed as [Cout/G, Cin/G·K], Y is [Cout, B·T']
/// ∂W_g = G_g · col_gᵀ             G = ∂L/∂Y, gathered from ∂L/∂y [B, Cout, T']
/// ∂x = col2im(∂col),  ∂col_g = W_gᵀ · G_g     col2im adds each column entry back to its x position
/// ∂bias = Σ_{b,t} G
/// ```
/// Depthwise convolution (ConvNeXt's) is `G = Cin = Cout`. `Y` to `[B, Cout, T']` (and
/// `∂L/∂y` back) is a copy of contiguous rows of `T'`.
/// The transposed convolution is the adjoint: input `[B, Cin, T]`, weight `[Cin, Cout, K]`,
/// output `[B, Cout, T']`, `T' = (T−1)s − 2p + d(K−1) + 1`; `y[b] = col2im(Wᵀ · x[b])`.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
    tensorCheck(groups >= 1 && x.rank == 3 && weight.rank == 3 && x.shape[1] % groups == 0
                    && weight.shape[0] % groups == 0 && x.shape[1] == weight.shape[1] * groups,
                "conv1d: input \(x.shape) ([B, Cin, T]) does not match weight \(weight.shape) ([Cout, Cin/\(groups), K]) "
                    + "with \(groups) groups (Cin and Cout must be multiples of the groups)")
    let (batch, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[0], weight.shape[2])
    let geometry = ConvGeometry(channels: cin, length: length, kernel: kernel, stride: stride,
                                padding: padding, dilation: dilation, op: "conv1d of \(x.shape)")
    if let bias { tensorCheck(bias.shape == [cout], "conv1d: bias \(bias.shape) should be [\(cout)]") }
    // Below about a thousand output columns (batch-1 inference) K small GEMMs cost more than
    // one im2col copy: ref-small's batch-1 forward took 10.4 ms shifted, 9.5 ms with im2col.
    if stride == 1 && groups == 1 && batch * geometry.outLength >= 1024 {
        return shiftedConvolution(x, weight: weight, bias: bias, padding: padding, dilation: dilation)
    }
    return columnConvolution(x, weight: weight, bias: bias, groups: groups, geometry: geometry,
                             outShape: [batch, cout, geometry.outLength], op: "conv1d")
}

/// What ``columnConvolution(_:weight:bias:groups:geometry:outShape:op:)`` needs of a
/// convolution's index map: the column matrix's rows per channel and columns per batch item,
/// and the gather (im2col) and its adjoint (col2im) for one item.
protocol ColumnGeometry {
    /// Kernel taps per input channel: rows of the column matrix per channel.
    var taps: Int { get }
    /// Input values per channel of one item.
    var inCount: Int { get }
    /// Output positions of one item: columns of the column matrix per item.
    var outCount: Int { get }
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, ld: Int)
    func col2im(_ col: UnsafePointer<Float>, ld: Int, addingInto x: UnsafeMutablePointer<Float>)
}

/// The GEMMs of conv1d and conv2d (see the formulas above), for any ``ColumnGeometry``: `x`
/// `[B, Cin, …]`, `weight` `[Cout, Cin/G, …taps]`, output `outShape` = `[B, Cout, …]`.
func columnConvolution<G: ColumnGeometry>(_ x: Tensor, weight: Tensor, bias: Tensor?, groups: Int,
                                          geometry: G, outShape: [Int], op: String) -> Tensor {
    let (batch, cin, cout) = (x.shape[0], x.shape[1], weight.shape[0])
    let (inCount, outLength) = (geometry.inCount, geometry.outCount)
    let rowsK = cin * geometry.taps, columns = batch * outLength
    let groupOut = cout / groups, groupK = rowsK / groups
    /// `body(g)` for every group, split over cores when OpenBLAS would run each on one thread.
    func eachGroup(_ body: (Int) -> Void) {
        let size = groupOut * groupK * columns
        if groups > 1 && size <= singleThreadedGemmLimit {
            Parallel.forRanges(groups, minimumPerThread: Swift.max(1, (1 << 17) / Swift.max(size, 1))) { r in
                for g in r { body(g) }
            }
        } else {
            for g in 0..<groups { body(g) }
        }
    }
    let cols = Tensor(uninitialized: [rowsK, columns])
    for b in 0..<batch {
        geometry.im2col(x.data + b * cin * inCount, into: cols.data + b * outLength, ld: columns)
    }
    let y2 = Tensor(uninitialized: [cout, columns])
    if let bias { for o in 0..<cout { (y2.data + o * columns).update(repeating: bias.data[o], count: columns) } }
    eachGroup { g in
        gemm(weight.data + g * groupOut * groupK, cols.data + g * groupK * columns, y2.data + g * groupOut * columns,
             m: groupOut, n: columns, k: groupK, beta: bias == nil ? 0 : 1)
    }
    let out = BatchColumns.split(y2, batch: batch).reshaped(outShape)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: op, inputs: inputs) { _, g in
        let g2 = BatchColumns.join(g.reshaped([batch, cout, outLength]))
        var dx: Tensor?, dw: Tensor?
        if x.requiresGrad {
            let dcol = Tensor(uninitialized: [rowsK, columns])
            eachGroup { g in
                gemm(weight.data + g * groupOut * groupK, transposeA: true, g2.data + g * groupOut * columns,
                     dcol.data + g * groupK * columns, m: groupK, n: columns, k: groupOut)
            }
            let dxT = Tensor.zeros(x.shape)
            for b in 0..<batch {
                geometry.col2im(dcol.data + b * outLength, ld: columns, addingInto: dxT.data + b * cin * inCount)
            }
            dx = dxT
        }
        if weight.requiresGrad {
            let dwT = Tensor(uninitialized: weight.shape)
            eachGroup { g in
                gemm(g2.data + g * groupOut * columns, cols.data + g * groupK * columns, transposeB: true,
                     dwT.data + g * groupOut * groupK, m: groupOut, n: groupK, k: columns)
            }
            dw = dwT
        }
        let db = (bias?.requiresGrad ?? false) ? g2.sum(axes: [1]) : nil
        return [dx, dw, db]
    }
}

/// `[C, B·T]` (batch items side by side, the GEMM layout) ↔ `[B, C, T]` (PyTorch layout).
enum BatchColumns {
    static func split(_ y: Tensor, batch: Int) -> Tensor {
        let (channels, columns) = (y.shape[0], y.shape[1]), length = columns / batch
        let out = Tensor(uninitialized: [batch, channels, length])
        copyRows(from: y.data, to: out.data, batch: batch, channels: channels, length: length, toBatchMajor: true)
        return out
    }

    static func join(_ x: Tensor) -> Tensor {
        let (batch, channels, length) = (x.shape[0], x.shape[1], x.shape[2])
        let out = Tensor(uninitialized: [channels, batch * length])
        copyRows(from: x.data, to: out.data, batch: batch, channels: channels, length: length, toBatchMajor: false)
        return out
    }

    private static func copyRows(from src: UnsafeMutablePointer<Float>, to dst: UnsafeMutablePointer<Float>,
                                 batch: Int, channels: Int, length: Int, toBatchMajor: Bool) {
        Parallel.forRanges(batch * channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(length, 1))) { r in
            for row in r {
                let b = row / channels, c = row % channels
                let batchMajor = (b * channels + c) * length, channelMajor = (c * batch + b) * length
                if toBatchMajor {
                    (dst + batchMajor).update(from: src + channelMajor, count: length)
                } else {
                    (dst + channelMajor).update(from: src + batchMajor, count: length)
                }
            }
        }
    }
}

/// Transposed 1-D convolution (PyTorch `conv_transpose1d`, no output padding or groups);
/// see ``conv1d(_:weight:bias:stride:padding:dilation:groups:)`` for the formulas.
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
        gemm(weight.data, transposeA: true, x.data + b * cin * length, col.data, m: rowsK, n: length, k: cin)
        let y = out.data + b * cout * outLength
        geometry.col2im(col.data, ld: length, addingInto: y)
        if let bias { for o in 0..<cout { for t in 0..<outLength { y[o * outLength + t] += bias.data[o] } } }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: "convTranspose1d", inputs: inputs) { _, g in
        let gcol = Tensor(uninitialized: [rowsK, length])
        let dx = x.requiresGrad ? Tensor(uninitialized: x.shape) : nil
        let dw = weight.requiresGrad ? Tensor.zeros(weight.shape) : nil
        for b in 0..<batch {
            geometry.im2col(g.data + b * cout * outLength, into: gcol.data, ld: length)
            if let dx {
                gemm(weight.data, gcol.data, dx.data + b * cin * length, m: cin, n: length, k: rowsK)
            }
            if let dw {
                gemm(x.data + b * cin * length, gcol.data, transposeB: true, dw.data, m: cin, n: rowsK, k: length,
                     beta: 1)
            }
        }
        let db = (bias?.requiresGrad ?? false) ? g.sum(axes: [0, 2]) : nil
        return [dx, dw, db]
    }
}

/// The index geometry of a 1-D convolution, shared by im2col and col2im (and by each axis of
/// a 2-D one).
struct ConvGeometry: ColumnGeometry {
    let channels, length, kernel, stride, padding, dilation, outLength: Int

    init(channels: Int, length: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, op: String) {
        tensorCheck(kernel >= 1 && stride >= 1 && dilation >= 1 && padding >= 0,
                    "\(op): need kernel, stride, dilation ≥ 1 and padding ≥ 0 (got \(kernel), \(stride), \(dilation), \(padding))")
        self.channels = channels; self.length = length; self.kernel = kernel
        self.stride = stride; self.padding = padding; self.dilation = dilation
        outLength = (length + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1
        tensorCheck(outLength > 0, "\(op): kernel \(kernel) with dilation \(dilation) is longer than the padded input (\(length) + 2·\(padding))")
    }

    var taps: Int { kernel }
    var inCount: Int { length }
    var outCount: Int { outLength }

    /// The output positions `t` whose tap `k` reads inside the input: `0 ≤ t·s + k·d − p < length`.
    @inline(__always)
    func validRange(_ k: Int) -> Range<Int> {
        let shift = k * dilation - padding
        let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let hi = length - shift <= 0 ? 0 : (length - shift - 1) / stride + 1
        return Swift.min(lo, outLength) ..< Swift.max(Swift.min(hi, outLength), Swift.min(lo, outLength))
    }

    /// `col[(c,k), t] = x[c, t·s + k·d − p]`, zero outside; `outLength` values per row,
    /// rows `ld` apart.
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, ld: Int) {
        Parallel.forRanges(channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(kernel * outLength, 1))) { r in
            for c in r {
                for k in 0..<kernel {
                    let row = col + (c * kernel + k) * ld, src = x + c * length
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

    /// The adjoint of ``im2col(_:into:ld:)``: `x[c, t·s + k·d − p] += col[(c,k), t]`.
    func col2im(_ col: UnsafePointer<Float>, ld: Int, addingInto x: UnsafeMutablePointer<Float>) {
        Parallel.forRanges(channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(kernel * outLength, 1))) { r in
            for c in r {
                for k in 0..<kernel {
                    let row = col + (c * kernel + k) * ld, dst = x + c * length
                    let shift = k * dilation - padding
                    let valid = validRange(k)
                    if stride == 1 {
                        let d = dst + shift
                        for t in valid { d[t] += row[t] }
                    } else {
                        for t in valid { dst[t * stride + shift] += row[t] }
                    }
                }
            }
        }
    }
}
