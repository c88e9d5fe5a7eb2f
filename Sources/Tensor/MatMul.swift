/// Matrix products on ``gemm(_:transposeA:_:transposeB:_:m:n:k:alpha:beta:)``.
///
/// With `op(X)` = `X` or `Xᵀ` (per the `transpose…` flag) and `C = op(A) · op(B)`:
/// ```
/// ∂A = g · op(B)ᵀ      (or, if A is transposed, op(B) · gᵀ)
/// ∂B = op(A)ᵀ · g      (or, if B is transposed, gᵀ · op(A))
/// ```
/// each again a single sgemm with transpose flags.
/// OpenBLAS computes a product with `m·n·k` up to this on the calling thread
/// (`SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD` = 65536 · 4 in its `interface/gemm.c`),
/// so such calls may run concurrently from several threads without sharing its pool.
let singleThreadedGemmLimit = 65_536 * 4

/// Batched matrix product `op(a) · op(b)` over the last two axes.
///
/// Shapes: `a` is `[…, m, k]` (`[…, k, m]` if `transposeA`), `b` is `[…, k, n]`
/// (`[…, n, k]` if `transposeB`). The leading (batch) axes must be equal, or one operand
/// is 2-D and is used for every batch item. Result: `[…, m, n]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let desc = "matmul(\(a.shape)\(transposeA ? "ᵀ" : ""), \(b.shape)\(transposeB ? "ᵀ" : ""))"
    tensorCheck(a.rank >= 2 && b.rank >= 2, "\(desc): both operands need rank ≥ 2")
    let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
    let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
    let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
    let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
    tensorCheck(k == kb, "\(desc): inner dimensions \(k) and \(kb) differ")
    let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
    // A stack of rows times one matrix is a single large GEMM.
    if !transposeA && batchB.isEmpty && !batchA.isEmpty {
        let rows = a.reshaped([-1, k])
        return matmul(rows, b, transposeB: transposeB).reshaped(batchA + [m, n])
    }
    tensorCheck(batchA == batchB || batchA.isEmpty || batchB.isEmpty,
                "\(desc): batch axes \(batchA) and \(batchB) differ")
    let batchShape = batchA.isEmpty ? batchB : batchA
    let batch = batchShape.reduce(1, *)
    let out = Tensor(uninitialized: batchShape + [m, n])
    let strideA = batchA.isEmpty ? 0 : m * k, strideB = batchB.isEmpty ? 0 : k * n
    let (pa, pb, pc) = (a.data, b.data, out.data)
    let product = { (i: Int) in
        gemm(pa + i * strideA, transposeA: transposeA, pb + i * strideB, transposeB: transposeB, pc + i * m * n,
             m: m, n: n, k: k)
    }
    if batch > 1 && m * n * k <= singleThreadedGemmLimit {
        // OpenBLAS runs products this small on the calling thread: split the batch over cores.
        Parallel.forRanges(batch, minimumPerThread: Swift.max(1, (1 << 17) / Swift.max(m * n * k, 1))) { r in
            for i in r { product(i) }
        }
    } else {
        for i in 0..<batch { product(i) }
    }
    return Tensor.record(out, op: "matmul", inputs: [a, b]) { _, g in
        let da: Tensor? = a.requiresGrad
            ? (transposeA ? matmul(b, g, transposeA: transposeB, transposeB: true)
                          : matmul(g, b, transposeB: !transposeB)).sumTo(a.shape)
            : nil
        let db: Tensor? = b.requiresGrad
            ? (transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
                          : matmul(a, g, transposeA: !transposeA)).sumTo(b.shape)
            : nil
        return [da, db]
    }
}

extension Tensor {
    /// `matmul(self, other)`.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        matmulFunction(self, other, transposeA: transposeA, transposeB: transposeB)
    }
}

@inline(__always)
private func matmulFunction(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
    matmul(a, b, transposeA: transposeA, transposeB: transposeB)
}

/// Fused affine map `y = x · Wᵀ + b` (PyTorch's `Linear` layout) in one sgemm: the bias is
/// written into the output first and the product added with `beta = 1`.
///
/// Shapes: `x [..., in]`, `weight [out, in]`, `bias [out]` → `[..., out]`.
/// ```
/// ∂x = g · W      ∂W = gᵀ · x      ∂b = Σ_rows g
/// ```
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    tensorCheck(weight.rank == 2 && x.rank >= 1 && x.shape.last == weight.shape[1],
                "linear: input \(x.shape) does not match weight \(weight.shape) ([out, in])")
    let outFeatures = weight.shape[0], inFeatures = weight.shape[1]
    if let bias {
        tensorCheck(bias.shape == [outFeatures], "linear: bias \(bias.shape) should be [\(outFeatures)]")
    }
    let rows = x.count / Swift.max(inFeatures, 1)
    let out = Tensor(uninitialized: Array(x.shape.dropLast()) + [outFeatures])
    if let bias {
        for r in 0..<rows { (out.data + r * outFeatures).update(from: bias.data, count: outFeatures) }
    }
    gemm(x.data, weight.data, transposeB: true, out.data, m: rows, n: outFeatures, k: inFeatures,
         beta: bias == nil ? 0 : 1)
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor.record(out, op: "linear", inputs: inputs) { _, g in
        let g2 = g.reshaped([rows, outFeatures])
        let x2 = x.reshaped([rows, inFeatures])
        let dx = x.requiresGrad ? matmul(g2, weight).reshaped(x.shape) : nil
        let dw = weight.requiresGrad ? matmul(g2, x2, transposeA: true) : nil
        let db = (bias?.requiresGrad ?? false) ? g2.sum(axes: [0]) : nil
        return [dx, dw, db]
    }
}
