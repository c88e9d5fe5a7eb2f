/// Shape ops: reshape (no copy), permute/transpose (a strided copy), squeeze/unsqueeze.
///
/// Gradients: reshape → reshape back; permute by `p` → permute by the inverse of `p`.
extension Tensor {
    /// The same values with a new shape (shares storage). One entry may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.reduce(1) { $0 * $1.element }
            tensorCheck(known > 0 && count % known == 0,
                        "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
            target[hole] = count / known
        }
        tensorCheck(target.allSatisfy { $0 >= 0 } && target.reduce(1, *) == count,
                    "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        let out = Tensor(shape: target, storage: storage)
        let source = shape
        return Tensor.record(out, op: "reshape", inputs: [self]) { _, g in [g.reshaped(source)] }
    }

    /// Inserts an axis of size 1 at `axis`.
    public func unsqueezed(_ axis: Int) -> Tensor {
        let a = axis < 0 ? axis + rank + 1 : axis
        tensorCheck(a >= 0 && a <= rank, "unsqueeze: axis \(axis) out of range for shape \(shape)")
        var s = shape
        s.insert(1, at: a)
        return reshaped(s)
    }

    /// Removes the size-1 axis `axis`.
    public func squeezed(_ axis: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "squeeze")
        tensorCheck(shape[a] == 1, "squeeze: axis \(axis) of shape \(shape) has size \(shape[a]), not 1")
        var s = shape
        s.remove(at: a)
        return reshaped(s)
    }

    /// Axes reordered: output axis `i` is input axis `order[i]` (like `torch.permute`).
    public func permuted(_ order: [Int]) -> Tensor {
        let order = order.map { normalizedAxis($0, op: "permute") }
        tensorCheck(order.count == rank && Set(order).count == rank,
                    "permute: \(order) is not a permutation of the axes of \(shape)")
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let out = Tensor(uninitialized: outShape)
        StridedCopy.run(from: data, strides: order.map { inStrides[$0] }, shape: outShape, to: out.data)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return Tensor.record(out, op: "permute", inputs: [self]) { _, g in [g.permuted(inverse)] }
    }

    /// Swaps two axes.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizedAxis(a, op: "transpose"), normalizedAxis(b, op: "transpose"))
        return permuted(order)
    }

    /// Swaps the last two axes.
    public func transposed() -> Tensor {
        tensorCheck(rank >= 2, "transpose: needs rank ≥ 2, shape is \(shape)")
        return transposed(rank - 2, rank - 1)
    }
}

/// Copies a strided view into contiguous memory.
enum StridedCopy {
    /// `dst[i₀,…,iₖ] = src[Σ iⱼ·strides[j]]` over `shape`, row-major.
    static func run(from src: UnsafeMutablePointer<Float>, strides: [Int], shape: [Int],
                    to dst: UnsafeMutablePointer<Float>) {
        let one = [Int](repeating: 1, count: shape.count)
        var contiguous = one
        for i in stride(from: shape.count - 2, through: 0, by: -1) { contiguous[i] = contiguous[i + 1] * shape[i + 1] }
        let (cshape, cstrides) = Broadcast.collapse(shape, [strides, contiguous])
        let s = cstrides[0]
        let rank = cshape.count
        let total = shape.reduce(1, *)
        // A batch of 2-D transposes (the last output axis is strided, the one before it
        // contiguous in the input): 32×32 tiles, work split over (batch item, tile row).
        if rank >= 2 && s[rank - 1] != 1 && s[rank - 2] == 1 {
            let rows = cshape[rank - 2], cols = cshape[rank - 1], colStride = s[rank - 1]
            let batch = total / Swift.max(rows * cols, 1)
            let outerShape = Array(cshape.dropLast(2)), outerStrides = Array(s.dropLast(2))
            let tile = 32, rowTiles = (rows + tile - 1) / tile
            Parallel.forRanges(batch * rowTiles, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(cols * tile, 1))) { r in
                for item in r {
                    let b = item / rowTiles, r0 = (item % rowTiles) * tile, r1 = Swift.min(r0 + tile, rows)
                    var rest = b, off = 0
                    for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
                        off += (rest % outerShape[axis]) * outerStrides[axis]
                        rest /= outerShape[axis]
                    }
                    let x = src + off, o = dst + b * rows * cols
                    var c0 = 0
                    while c0 < cols {
                        let c1 = Swift.min(c0 + tile, cols)
                        for i in r0..<r1 {
                            for j in c0..<c1 { o[i * cols + j] = x[i + j * colStride] }
                        }
                        c0 = c1
                    }
                }
            }
            return
        }
        let inner = cshape[rank - 1], innerStride = s[rank - 1]
        let rows = total / Swift.max(inner, 1)
        Parallel.forRanges(rows, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(inner, 1))) { r in
            for row in r {
                var rest = row, off = 0
                for axis in stride(from: rank - 2, through: 0, by: -1) {
                    off += (rest % cshape[axis]) * s[axis]
                    rest /= cshape[axis]
                }
                let o = dst + row * inner, x = src + off
                if innerStride == 1 {
                    o.update(from: x, count: inner)
                } else {
                    for i in 0..<inner { o[i] = x[i * innerStride] }
                }
            }
        }
    }
}
