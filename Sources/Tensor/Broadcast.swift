/// NumPy broadcasting: shapes are aligned at their last axis; each pair of sizes must be
/// equal or one of them 1, and the result takes the larger. A missing leading axis counts
/// as 1. The gradient of a broadcast input is the output gradient summed over the axes it
/// was stretched along (``Tensor/sumTo(_:)``).
enum Broadcast {
    /// The broadcast shape of `a` and `b`; stops with a message naming `op` if incompatible.
    static func shape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            tensorCheck(da == db || da == 1 || db == 1,
                        "\(op): shapes \(a) and \(b) cannot be broadcast (axis \(i): \(da) vs \(db))")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Element strides of `shape` read as `outShape` (0 along stretched axes).
    static func strides(_ shape: [Int], as outShape: [Int]) -> [Int] {
        let pad = outShape.count - shape.count
        var strides = [Int](repeating: 0, count: outShape.count)
        var step = 1
        for i in stride(from: outShape.count - 1, through: pad, by: -1) {
            let d = shape[i - pad]
            strides[i] = d == 1 ? 0 : step
            step *= d
        }
        return strides
    }

    /// Merges adjacent axes that every operand walks contiguously (or all skip), so
    /// `[B, T, C] + [C]` becomes a `[B·T, C]` loop. Returns the merged shape and strides.
    static func collapse(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
        var outShape: [Int] = []
        var outStrides = [[Int]](repeating: [], count: strides.count)
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = outShape.last,
               strides.indices.allSatisfy({ k in
                   outStrides[k].last! == strides[k][axis] * shape[axis] }) {
                outShape[outShape.count - 1] = last * shape[axis]
                for k in strides.indices { outStrides[k][outStrides[k].count - 1] = strides[k][axis] }
            } else {
                outShape.append(shape[axis])
                for k in strides.indices { outStrides[k].append(strides[k][axis]) }
            }
        }
        if outShape.isEmpty {
            outShape = [1]
            for k in strides.indices { outStrides[k] = [0] }
        }
        return (outShape, outStrides)
    }
}

extension Tensor {
    /// Sums over the axes along which `shape` was broadcast to give `self.shape`.
    /// The gradient of a broadcast: `∂L/∂a = sumTo(∂L/∂out, a.shape)`.
    public func sumTo(_ target: [Int]) -> Tensor {
        if target == shape { return self }
        let pad = rank - target.count
        tensorCheck(pad >= 0, "sumTo: cannot reduce \(shape) to larger rank \(target)")
        var axes: [Int] = Array(0..<pad)
        for i in 0..<target.count where target[i] != shape[i + pad] {
            tensorCheck(target[i] == 1, "sumTo: \(shape) was not broadcast from \(target)")
            axes.append(i + pad)
        }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// The values broadcast to `target` and materialised (gradient: ``sumTo(_:)``).
    public func expand(to target: [Int]) -> Tensor {
        if target == shape { return self }
        tensorCheck(Broadcast.shape(shape, target, op: "expand") == target,
                    "expand: \(shape) cannot be broadcast to \(target)")
        let out = Tensor.zeros(target)
        BinaryKernel.run(Add.self, out, self, into: out)
        let source = shape
        return Tensor.record(out, op: "expand", inputs: [self]) { _, g in [g.sumTo(source)] }
    }
}
