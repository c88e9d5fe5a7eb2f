/// Index ops: index-select (embedding lookup), gather, repeat-interleave (length
/// regulation), where / masked-fill.
///
/// Index-select, slice and repeat-interleave are one primitive, ``RowGather``: viewing `x`
/// as `[outer, n, inner]` around the axis, `out[o, t, :] = x[o, map[t], :]` (or zeros where
/// `map[t] = −1`). Its gradient scatters back: `∂x[o, map[t], :] += g[o, t, :]`.
extension Tensor {
    /// Rows of `self` along `axis` picked by `indices` (repeats allowed); the axis gets
    /// size `indices.count`. `table.indexSelect(axis: 0, ids)` is an embedding lookup.
    public func indexSelect(axis: Int, _ indices: [Int]) -> Tensor {
        let a = normalizedAxis(axis, op: "indexSelect")
        for i in indices {
            tensorCheck(i >= 0 && i < shape[a], "indexSelect: index \(i) out of range 0..<\(shape[a]) for axis \(axis) of shape \(shape)")
        }
        return RowGather.apply(self, axis: a, map: indices.map(Int32.init), perOuter: false, op: "indexSelect")
    }

    /// Embedding lookup: `self` is a `[vocab, dim]` table, `ids` has `idShape`;
    /// the result is `idShape + [dim]`.
    public func embedding(_ ids: [Int], shape idShape: [Int]) -> Tensor {
        tensorCheck(rank == 2, "embedding: table must be [vocab, dim], shape is \(shape)")
        tensorCheck(idShape.reduce(1, *) == ids.count, "embedding: \(ids.count) ids do not fill shape \(idShape)")
        return indexSelect(axis: 0, ids).reshaped(idShape + [shape[1]])
    }

    /// Each item along `axis` repeated `counts[i]` times (`torch.repeat_interleave`); the
    /// axis gets size `Σ counts`.
    public func repeatInterleave(_ counts: [Int], axis: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "repeatInterleave")
        tensorCheck(counts.count == shape[a] && counts.allSatisfy { $0 >= 0 },
                    "repeatInterleave: \(counts.count) counts for axis \(axis) of shape \(shape) (need \(shape[a]) non-negative)")
        var map: [Int32] = []
        for (i, c) in counts.enumerated() { map += repeatElement(Int32(i), count: c) }
        return RowGather.apply(self, axis: a, map: map, perOuter: false, op: "repeatInterleave")
    }

    /// Length regulation: for `self` of shape `[batch, n, …]`, item `i` of batch entry `b`
    /// is repeated `counts[b][i]` times along axis 1; entries are zero-padded to `length`
    /// (default: the longest total).
    public func repeatInterleave(batchCounts counts: [[Int]], length: Int? = nil) -> Tensor {
        tensorCheck(rank >= 2 && counts.count == shape[0] && counts.allSatisfy { $0.count == shape[1] },
                    "repeatInterleave: counts \(counts.count)×\(counts.first?.count ?? 0) do not match [batch, n] of shape \(shape)")
        let totals = counts.map { $0.reduce(0, +) }
        let length = length ?? (totals.max() ?? 0)
        tensorCheck(totals.allSatisfy { $0 <= length }, "repeatInterleave: totals \(totals) exceed length \(length)")
        var map: [Int32] = []
        map.reserveCapacity(counts.count * length)
        for row in counts {
            let start = map.count
            for (i, c) in row.enumerated() { map += repeatElement(Int32(i), count: c) }
            map += repeatElement(-1, count: length - (map.count - start))
        }
        return RowGather.apply(self, axis: 1, map: map, perOuter: true, op: "repeatInterleave")
    }

    /// `torch.gather`: `out[…, t, …] = self[…, index[…, t, …], …]` along `axis`; `index`
    /// has the output's shape, which equals `self`'s except along `axis`.
    public func gather(axis: Int, _ index: [Int], shape indexShape: [Int]) -> Tensor {
        let a = normalizedAxis(axis, op: "gather")
        var s0 = shape, s1 = indexShape
        tensorCheck(s1.count == rank, "gather: index shape \(indexShape) has rank \(indexShape.count), input \(shape) has \(rank)")
        s0[a] = 0; s1[a] = 0
        tensorCheck(s0 == s1 && index.count == indexShape.reduce(1, *),
                    "gather: index shape \(indexShape) must match input \(shape) off axis \(axis)")
        let outer = shape[..<a].reduce(1, *), n = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        let m = indexShape[a]
        for i in index { tensorCheck(i >= 0 && i < n, "gather: index \(i) out of range 0..<\(n) on axis \(axis) of \(shape)") }
        let out = Tensor(uninitialized: indexShape)
        for p in 0..<outer {
            for t in 0..<m {
                for i in 0..<inner {
                    let o = (p * m + t) * inner + i
                    out.data[o] = data[(p * n + index[o]) * inner + i]
                }
            }
        }
        let source = shape
        return Tensor.record(out, op: "gather", inputs: [self]) { _, g in
            let dx = Tensor.zeros(source)
            for p in 0..<outer {
                for t in 0..<m {
                    for i in 0..<inner {
                        let o = (p * m + t) * inner + i
                        dx.data[(p * n + index[o]) * inner + i] += g.data[o]
                    }
                }
            }
            return [dx]
        }
    }

    /// `condition ? a : b` elementwise with broadcasting (`condition` nonzero = true; no
    /// gradient flows to it). `∂a = g·[c]`, `∂b = g·[¬c]`, summed back to each shape.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = Broadcast.shape(Broadcast.shape(condition.shape, a.shape, op: "where"), b.shape, op: "where")
        let c = noGrad { condition.expand(to: shape) }
        let ea = a.expand(to: shape), eb = b.expand(to: shape)
        let out = Tensor(uninitialized: shape)
        let pc = c.data, pa = ea.data, pb = eb.data, po = out.data
        Parallel.forRanges(out.count) { r in for i in r { po[i] = pc[i] != 0 ? pa[i] : pb[i] } }
        return record(out, op: "where", inputs: [ea, eb]) { _, g in
            let ga = Tensor(uninitialized: shape), gb = Tensor(uninitialized: shape)
            let pg = g.data, pga = ga.data, pgb = gb.data, pc = c.data  // keeps `c` alive
            Parallel.forRanges(g.count) { r in
                for i in r {
                    let keep = pc[i] != 0
                    pga[i] = keep ? pg[i] : 0
                    pgb[i] = keep ? 0 : pg[i]
                }
            }
            return [ga, gb]
        }
    }

    /// `value` where `mask` (broadcast to this shape) is nonzero, else `self`
    /// (e.g. `scores.maskedFill(padding, -.infinity)` before softmax). `∂self = g·[¬mask]`.
    ///
    /// The mask is usually far smaller than `self` (`[B, 1, N]` over `[B, T, N]`), so it
    /// becomes a tensor of fill values of its own shape, NaN where nothing is filled, and the
    /// fill and its gradient run as broadcasting binary kernels: no full-size copy of the mask
    /// or of `value` (the aligner and attention mask `[B, T, N]` scores every step).
    public func maskedFill(_ mask: Tensor, _ value: Float) -> Tensor {
        tensorCheck(Broadcast.shape(mask.shape, shape, op: "maskedFill") == shape,
                    "maskedFill: mask \(mask.shape) does not broadcast to \(shape)")
        tensorCheck(!value.isNaN, "maskedFill: NaN cannot be a fill value (use Tensor.where)")
        let fills = Tensor(mask.scalars.map { $0 != 0 ? value : .nan }, shape: mask.shape)
        let out = BinaryKernel.apply(FillUnlessNaN.self, self, fills, op: "maskedFill")
        return Tensor.record(out, op: "maskedFill", inputs: [self]) { _, g in
            [BinaryKernel.apply(PassWhereNaN.self, g, fills, op: "maskedFill")]
        }
    }
}

/// `b` unless it is NaN, then `a`: ``Tensor/maskedFill(_:_:)`` with `b` its fill values.
enum FillUnlessNaN: BinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { b.isNaN ? a : b }
}

/// `a` where `b` is NaN, else 0: the gradient of ``Tensor/maskedFill(_:_:)``.
enum PassWhereNaN: BinaryFunction {
    @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { b.isNaN ? a : 0 }
}

/// `out[o, t, :] = x[o, map[t], :]` over the `[outer, n, inner]` view (zeros where −1).
/// `map` has `m` entries, or `outer · m` with `perOuter` (a different map per outer index).
enum RowGather {
    static func apply(_ x: Tensor, axis: Int, map: [Int32], perOuter: Bool, op: String) -> Tensor {
        let outer = x.shape[..<axis].reduce(1, *), n = x.shape[axis], inner = x.shape[(axis + 1)...].reduce(1, *)
        let m = perOuter ? map.count / Swift.max(outer, 1) : map.count
        var outShape = x.shape
        outShape[axis] = m
        let out = Tensor(uninitialized: outShape)
        let src = x.data, dst = out.data
        map.withUnsafeBufferPointer { mp in
            let mapBase = mp.baseAddress!
            Parallel.forRanges(outer * m, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(inner, 1))) { r in
                for row in r {
                    let p = row / Swift.max(m, 1), t = row - p * m
                    let j = Int(mapBase[perOuter ? row : t])
                    let o = dst + row * inner
                    if j < 0 { o.update(repeating: 0, count: inner) } else {
                        o.update(from: src + (p * n + j) * inner, count: inner)
                    }
                }
            }
        }
        let source = x.shape
        return Tensor.record(out, op: op, inputs: [x]) { _, g in
            let dx = Tensor.zeros(source)
            let gd = g.data, dd = dx.data
            // Several output rows may add into one input row, but only within the same outer
            // index: split the outer indices across threads.
            map.withUnsafeBufferPointer { mp in
                let mapBase = mp.baseAddress!
                Parallel.forRanges(outer, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(m * inner, 1))) { r in
                    for p in r {
                        for t in 0..<m {
                            let j = Int(mapBase[perOuter ? p * m + t : t])
                            if j < 0 { continue }
                            let d = dd + (p * n + j) * inner, s = gd + (p * m + t) * inner
                            for i in 0..<inner { d[i] += s[i] }
                        }
                    }
                }
            }
            return [dx]
        }
    }
}
