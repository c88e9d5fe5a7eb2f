import CBLAS

/// OpenBLAS's build description (`openblas_get_config`: version, architecture, thread
/// limit), recorded with every run: speed and the last bits of every product depend on it.
public var openBLASVersion: String { String(cString: openblas_get_config()) }

/// `C = alpha · op(A) · op(B) + beta · C` for dense row-major Float matrices through OpenBLAS
/// `cblas_sgemm`, where `op(A)` is `m × k`, `op(B)` is `k × n` and `C` is `m × n`
/// (`op(X) = Xᵀ` when its `transpose…` flag is set: transposes are passed as flags, never
/// materialised). The matrices are dense unless a row stride (`lda`, `ldb`, `ldc`: elements
/// from one stored row to the next) says they are columns of a wider one. The one gemm
/// wrapper of FunAudio; OpenBLAS's threads follow ``Parallel/threadCount``.
@inline(__always)
public func gemm(_ a: UnsafePointer<Float>, transposeA: Bool = false,
                 _ b: UnsafePointer<Float>, transposeB: Bool = false,
                 _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                 alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil) {
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha,
                a, blasint(lda ?? (transposeA ? m : k)), b, blasint(ldb ?? (transposeB ? k : n)),
                beta, c, blasint(ldc ?? n))
}
