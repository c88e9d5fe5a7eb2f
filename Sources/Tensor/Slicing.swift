/// Concatenation, slicing and splitting along an axis.
///
/// A tensor is viewed as `[outer, n, inner]` around the axis; each op copies contiguous
/// blocks per outer index. Gradients: concat → slices of `g`; slice → `g` placed into zeros.
extension Tensor {
    /// Joins tensors along `axis`; all other axes must match.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        tensorCheck(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        let a = first.normalizedAxis(axis, op: "concat")
        for t in tensors {
            var s1 = t.shape, s0 = first.shape
            tensorCheck(s1.count == s0.count, "concat: ranks differ: \(tensors.map(\.shape))")
            s1[a] = 0; s0[a] = 0
            tensorCheck(s1 == s0, "concat along axis \(axis): shapes \(tensors.map(\.shape)) differ off the axis")
        }
        let sizes = tensors.map { $0.shape[a] }
        var outShape = first.shape
        outShape[a] = sizes.reduce(0, +)
        let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
        let out = Tensor(uninitialized: outShape)
        let total = outShape[a] * inner
        var offset = 0
        for t in tensors {
            let block = t.shape[a] * inner
            for p in 0..<outer {
                (out.data + p * total + offset).update(from: t.data + p * block, count: block)
            }
            offset += block
        }
        return record(out, op: "concat", inputs: tensors) { _, g in
            var start = 0
            return sizes.map { size in
                defer { start += size }
                return g.slice(axis: a, start ..< start + size)
            }
        }
    }

    /// The elements with index in `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis, op: "slice")
        tensorCheck(range.lowerBound >= 0 && range.upperBound <= shape[a],
                    "slice: range \(range) out of bounds for axis \(axis) of shape \(shape)")
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        var outShape = shape
        outShape[a] = range.count
        let out = Tensor(uninitialized: outShape)
        let block = range.count * inner, stride = shape[a] * inner, offset = range.lowerBound * inner
        let src = data, dst = out.data
        Parallel.forRanges(outer, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(block, 1))) { r in
            for p in r { (dst + p * block).update(from: src + p * stride + offset, count: block) }
        }
        let source = shape
        return Tensor.record(out, op: "slice", inputs: [self]) { _, g in
            let dx = Tensor.zeros(source)
            let gd = g.data, dd = dx.data
            Parallel.forRanges(outer, minimumPerThread: Swift.max(1, (1 << 15) / Swift.max(block, 1))) { r in
                for p in r { (dd + p * stride + offset).update(from: gd + p * block, count: block) }
            }
            return [dx]
        }
    }

    /// Splits along `axis` into consecutive pieces of the given sizes (which must add up).
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let a = normalizedAxis(axis, op: "split")
        tensorCheck(sizes.reduce(0, +) == shape[a] && sizes.allSatisfy { $0 >= 0 },
                    "split: sizes \(sizes) do not add up to axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start ..< start + size)
        }
    }
}
