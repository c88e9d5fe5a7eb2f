/// conv1d with stride 1 and one group (every convolution of the decoders, encoders and the
/// WaveNet) as one GEMM per kernel tap over a zero-padded copy of the input, instead of
/// im2col's `K` copies of it.
///
/// Why: im2col writes a `[Cin·K, B·T']` matrix (21 MB for 16 × 256 channels × 256 frames at
/// K = 5) that the GEMM then reads, and its gradient is as large again and summed back by
/// col2im; both are memory-bound copies the GEMMs do not need. Here the input is copied once,
/// padded, into `X` `[Cin, B·Lp]` (`Lp = T + 2p`: each item with its `p` zeros on each side,
/// items side by side), and tap `k` reads `X` shifted by `k·d` columns:
/// ```
/// Y[:, j]  = Σ_k W_k · X[:, j + k·d]           j < N = B·Lp − (K−1)·d; W_k = weight[:, :, k]
/// y[b, o, t] = Y[o, b·Lp + t]                   t < T' = Lp − (K−1)·d, so j + k·d stays in item b
/// ∂W_k = G · X[:, k·d ..< k·d + N]ᵀ            G[o, b·Lp + t] = ∂L/∂y[b, o, t], zero for t ≥ T'
/// ∂X[:, k·d ..< k·d + N] += W_kᵀ · G           ∂x[b, c, t] = ∂X[c, b·Lp + p + t]
/// ```
/// The columns `t ≥ T'` of each item are computed and dropped (`(K−1)·d` per item), and `G` is
/// zero there, so they add nothing to the gradients.
func shiftedConvolution(_ x: Tensor, weight: Tensor, bias: Tensor?, padding: Int, dilation: Int) -> Tensor {
    let (batch, cin, length) = (x.shape[0], x.shape[1], x.shape[2])
    let (cout, kernel) = (weight.shape[0], weight.shape[2])
    let padded = length + 2 * padding, columns = batch * padded
    let outLength = padded - (kernel - 1) * dilation
    let span = columns - (kernel - 1) * dilation
    let taps = kernelTaps(weight)                                     // [K, Cout, Cin]
    let xp = Tensor(uninitialized: [cin, columns])
    copyItems(batch: batch, channels: cin, count: length, from: x.data, at: { b, c in (b * cin + c) * length },
              to: xp.data, at: { b, c in c * columns + b * padded + padding })
    zeroPadding(xp.data, channels: cin, batch: batch, padded: padded, padding: padding, columns: columns)
    let y = Tensor(uninitialized: [cout, columns])
    if let bias { for o in 0..<cout { (y.data + o * columns).update(repeating: bias.data[o], count: span) } }
    for k in 0..<kernel {
        gemm(taps.data + k * cout * cin, xp.data + k * dilation, y.data, m: cout, n: span, k: cin,
             beta: bias == nil && k == 0 ? 0 : 1, ldb: columns, ldc: columns)
    }
    let out = Tensor(uninitialized: [batch, cout, outLength])
    copyItems(batch: batch, channels: cout, count: outLength, from: y.data, at: { b, o in o * columns + b * padded },
              to: out.data, at: { b, o in (b * cout + o) * outLength })
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: "conv1d", inputs: inputs) { _, g in
        let gFull = Tensor(uninitialized: [cout, columns])
        copyItems(batch: batch, channels: cout, count: outLength, from: g.data, at: { b, o in (b * cout + o) * outLength },
                  to: gFull.data, at: { b, o in o * columns + b * padded })
        // The dropped columns of each item (its last (K−1)·d) must add nothing.
        zeroPadding(gFull.data, channels: cout, batch: batch, padded: padded, padding: 0,
                    trailing: padded - outLength, columns: columns)
        var dx: Tensor?, dw: Tensor?
        if x.requiresGrad {
            let dxp = Tensor.zeros([cin, columns])
            for k in 0..<kernel {
                gemm(taps.data + k * cout * cin, transposeA: true, gFull.data, dxp.data + k * dilation,
                     m: cin, n: span, k: cout, beta: 1, ldb: columns, ldc: columns)
            }
            let dxT = Tensor(uninitialized: x.shape)
            copyItems(batch: batch, channels: cin, count: length, from: dxp.data, at: { b, c in c * columns + b * padded + padding },
                      to: dxT.data, at: { b, c in (b * cin + c) * length })
            dx = dxT
        }
        if weight.requiresGrad {
            let dtaps = Tensor(uninitialized: [kernel, cout, cin])
            for k in 0..<kernel {
                gemm(gFull.data, xp.data + k * dilation, transposeB: true, dtaps.data + k * cout * cin,
                     m: cout, n: cin, k: span, lda: columns, ldb: columns)
            }
            dw = kernelTaps(dtaps, back: true)
        }
        let db = (bias?.requiresGrad ?? false) ? g.sum(axes: [0, 2]) : nil
        return [dx, dw, db]
    }
}

/// `weight` `[Cout, Cin, K]` as `[K, Cout, Cin]` (each tap a dense matrix), or with `back`
/// the reverse; rows split over cores (it runs on every call, on weights that change every step).
private func kernelTaps(_ w: Tensor, back: Bool = false) -> Tensor {
    let (a, b, c) = (w.shape[0], w.shape[1], w.shape[2])
    let out = Tensor(uninitialized: back ? [b, c, a] : [c, a, b])
    let (source, target) = (w.data, out.data)
    Parallel.forRanges(a, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(b * c, 1))) { rows in
        for i in rows {
            for j in 0..<b {
                for k in 0..<c {
                    if back { target[(j * c + k) * a + i] = source[(i * b + j) * c + k] }
                    else { target[(k * a + i) * b + j] = source[(i * b + j) * c + k] }
                }
            }
        }
    }
    return out
}

/// Copies `count` floats for every item `b` and channel `c` from `source + sourceOffset(b, c)`
/// to `target + targetOffset(b, c)`, rows split over cores.
private func copyItems(batch: Int, channels: Int, count: Int,
                       from source: UnsafeMutablePointer<Float>, at sourceOffset: (Int, Int) -> Int,
                       to target: UnsafeMutablePointer<Float>, at targetOffset: (Int, Int) -> Int) {
    Parallel.forRanges(batch * channels, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(count, 1))) { r in
        for row in r {
            let (b, c) = (row / channels, row % channels)
            (target + targetOffset(b, c)).update(from: source + sourceOffset(b, c), count: count)
        }
    }
}

/// Zeroes, in each channel row of `columns` and each item's `padded` columns, the first
/// `padding` and the last `trailing` (by default `padding`).
private func zeroPadding(_ p: UnsafeMutablePointer<Float>, channels: Int, batch: Int, padded: Int, padding: Int,
                         trailing: Int? = nil, columns: Int) {
    let trailing = trailing ?? padding
    guard padding > 0 || trailing > 0 else { return }
    for c in 0..<channels {
        for b in 0..<batch {
            let item = p + c * columns + b * padded
            item.update(repeating: 0, count: padding)
            (item + padded - trailing).update(repeating: 0, count: trailing)
        }
    }
}
