import Foundation
import NN
import Tensor

/// `funaudio bench ops`: Tensor kernels timed at the shapes of the bench model 'ref-small'
/// (batch 16, 64 tokens, d 256, 4 heads, 128 reference frames, 256 decoder frames).
///
/// For each op: the median forward time with the graph recorded (as in training) and the
/// median forward + backward time (seed of ones), in milliseconds, timed in interleaved rounds
/// with PyTorch's forward + backward of the same op (each round: every op here, then every op
/// in `scripts/peers/ops.py`; medians over the rounds of each round's median); GFLOP/s
/// where the op is a matrix product (2·m·n·k per product; backward counts twice that).
/// Also the median process CPU time of forward + backward (all threads, OpenBLAS's too):
/// on a loaded machine wall time includes waiting for a core, CPU time does not.
public enum OpsBenchmark {
    public struct Timing: Sendable, Codable {
        public var name: String
        public var forwardMilliseconds: Double
        public var forwardBackwardMilliseconds: Double
        public var forwardBackwardCPUMilliseconds: Double
        public var forwardGflops: Double?

        enum CodingKeys: String, CodingKey {
            case name, forwardMilliseconds = "forward_ms", forwardBackwardMilliseconds = "forward_backward_ms"
            case forwardBackwardCPUMilliseconds = "forward_backward_cpu_ms"
            case forwardGflops = "forward_gflops"
        }
    }

    /// One op: its inputs (all get gradients) and the op itself.
    struct Case: Sendable {
        let name: String
        let flops: Double?
        let inputs: [[Int]]
        let op: @Sendable ([Tensor]) -> Tensor
    }

    static let cases: [Case] = [
        Case(name: "linear [1024,256]x[1024,256]^T+b", flops: 2 * 1024 * 256 * 1024,
             inputs: [[16, 64, 256], [1024, 256], [1024]]) { linear($0[0], weight: $0[1], bias: $0[2]) },
        Case(name: "linear [1024,1024]x[256,1024]^T+b", flops: 2 * 1024 * 256 * 1024,
             inputs: [[16, 64, 1024], [256, 1024], [256]]) { linear($0[0], weight: $0[1], bias: $0[2]) },
        Case(name: "matmul QK^T [64x(64,64)]", flops: 2 * 64 * 64 * 64 * 64,
             inputs: [[16, 4, 64, 64], [16, 4, 64, 64]]) { matmul($0[0], $0[1], transposeB: true) },
        Case(name: "conv1d 256->256 k5 T256", flops: 2 * 16 * 256 * 256 * 5 * 256,
             inputs: [[16, 256, 256], [256, 256, 5], [256]]) { conv1d($0[0], weight: $0[1], bias: $0[2], padding: 2) },
        Case(name: "conv1d 80->128 k3 T128", flops: 2 * 16 * 128 * 80 * 3 * 128,
             inputs: [[16, 80, 128], [128, 80, 3], [128]]) { conv1d($0[0], weight: $0[1], bias: $0[2], padding: 1) },
        Case(name: "stft->istft [16,8192] n1024 h256", flops: 2 * 2 * 2 * 16 * 33 * 1024 * 513,
             inputs: [[16, 8192]]) {
            let (re, im) = stft($0[0], nFFT: 1024, hop: 256)
            return istft(real: re, imag: im, nFFT: 1024, hop: 256, length: 8192)
        },
        Case(name: "stft [16,8192] n2048 h240 w1200", flops: 2 * 2 * 16 * 35 * 1200 * 1025,
             inputs: [[16, 8192]]) { stft($0[0], nFFT: 2048, hop: 240, winLength: 1200).real },
        Case(name: "MR-STFT loss [16,8192] PWG", flops: nil, inputs: [[16, 8192], [16, 8192]]) {
            try! multiResolutionSTFTLoss($0[0], $0[1].detached()).total
        },
        Case(name: "layerNorm [16,64,256]", flops: nil,
             inputs: [[16, 64, 256], [256], [256]]) { $0[0].layerNorm(weight: $0[1], bias: $0[2]) },
        Case(name: "softmax [16,4,64,128]", flops: nil, inputs: [[16, 4, 64, 128]]) { $0[0].softmax() },
        Case(name: "relu [16,256,256]", flops: nil, inputs: [[16, 256, 256]]) { $0[0].relu() },
        Case(name: "add [16,64,256]+[64,256]", flops: nil, inputs: [[16, 64, 256], [64, 256]]) { $0[0] + $0[1] },
        Case(name: "add [16,256,256]+[16,256,256]", flops: nil,
             inputs: [[16, 256, 256], [16, 256, 256]]) { $0[0] + $0[1] },
        Case(name: "transpose(1,2) [16,256,256]", flops: nil, inputs: [[16, 256, 256]]) { $0[0].transposed(1, 2) },
        Case(name: "permute heads [16,64,4,64]", flops: nil, inputs: [[16, 64, 4, 64]]) { $0[0].permuted([0, 2, 1, 3]) },
        Case(name: "repeatInterleave x4 [16,64,256]", flops: nil, inputs: [[16, 64, 256]]) {
            $0[0].repeatInterleave(Array(repeating: 4, count: 64), axis: 1)
        },
        Case(name: "L1 mean|a-b| [16,256,80]", flops: nil, inputs: [[16, 256, 80], [16, 256, 80]]) {
            ($0[0] - $0[1]).abs().mean()
        },
    ]

    /// The cases whose name contains `filter` (all without one), with their inputs (all get
    /// gradients), made once so every round times the same tensors.
    static func selected(_ filter: String?) -> [(Case, [Tensor])] {
        cases.filter { c in filter.map { c.name.contains($0) } ?? true }.map { c in
            (c, c.inputs.enumerated().map { i, shape in Tensor.randn(shape, seed: UInt64(i + 1), requiresGrad: true) })
        }
    }

    /// Median forward, forward + backward and CPU (forward + backward) milliseconds of `repeats` runs.
    static func measure(_ c: Case, _ inputs: [Tensor], repeats: Int) -> (forward: Double, both: Double, cpu: Double) {
        var forward: [Double] = [], both: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            let c0 = Measure.cpuSeconds()
            let t0 = DispatchTime.now().uptimeNanoseconds
            let y = c.op(inputs)
            let t1 = DispatchTime.now().uptimeNanoseconds
            y.backward(Tensor.ones(y.shape))
            let t2 = DispatchTime.now().uptimeNanoseconds
            let c2 = Measure.cpuSeconds()
            for x in inputs { x.zeroGrad() }
            forward.append(Double(t1 - t0) / 1e6)
            both.append(Double(t2 - t0) / 1e6)
            cpu.append((c2 - c0) * 1e3)
        }
        return (Measure.median(forward), Measure.median(both), Measure.median(cpu))
    }
}
