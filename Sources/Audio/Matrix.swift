import CBLAS

/// `C = alpha · op(A) · op(B) + beta · C` for row-major Float matrices through OpenBLAS, where
/// `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`.
func gemm(_ a: UnsafePointer<Float>, transposeA: Bool = false,
          _ b: UnsafePointer<Float>, transposeB: Bool = false,
          _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
          alpha: Float = 1, beta: Float = 0) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                beta, c, Int32(n))
}
