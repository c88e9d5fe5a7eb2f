import Foundation
import Tensor

/// Adam (Kingma & Ba 2015) with PyTorch's semantics, and AdamW (decoupled weight decay,
/// Loshchilov & Hutter 2019). At step t, for each parameter p with gradient g:
///
/// ```
/// Adam:   g ← g + λ·p                 (L2 weight decay folded into the gradient)
/// AdamW:  p ← p − lr·λ·p              (decay applied to the weights directly)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// ```
/// State (`exp_avg` = m, `exp_avg_sq` = v) is allocated at the first step.
public class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    let decoupled: Bool
    private var m: [[Float]?]
    private var v: [[Float]?]

    public convenience init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3,
                            beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                            weightDecay: Float = 0) {
        self.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                  weightDecay: weightDecay, decoupled: false)
    }

    init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float, beta1: Float,
         beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        m = Array(repeating: nil, count: parameters.count)
        v = Array(repeating: nil, count: parameters.count)
        super.init(parameters, learningRate: learningRate)
    }

    override func update(_ index: Int, _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
                         learningRate lr: Float) {
        if m[index] == nil {
            m[index] = [Float](repeating: 0, count: p.count)
            v[index] = [Float](repeating: 0, count: p.count)
        }
        let t = Double(stepCount)
        let stepSize = Float(Double(lr) / (1 - pow(Double(beta1), t)))
        let invSqrtCorrection2 = Float(1 / (1 - pow(Double(beta2), t)).squareRoot())
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let l2: Float = decoupled ? 0 : weightDecay
        let shrink: Float = decoupled ? 1 - lr * weightDecay : 1
        // Memory-bound (seven floats moved per parameter): large tensors are split over cores.
        let count = p.count
        m[index]!.withUnsafeMutableBufferPointer { m in
            v[index]!.withUnsafeMutableBufferPointer { v in
                Parallel.forEachChunk(Parallel.chunkCount(count, minimumChunk: 1 << 15), of: count) { _, range in
                    for i in range {
                        let pi = p[i] * shrink
                        let gi = g[i] + l2 * pi
                        let mi = b1 * m[i] + (1 - b1) * gi
                        let vi = b2 * v[i] + (1 - b2) * gi * gi
                        m[i] = mi
                        v[i] = vi
                        p[i] = pi - stepSize * mi / (vi.squareRoot() * invSqrtCorrection2 + eps)
                    }
                }
            }
        }
    }

    override func stateBuffers() -> [String: [[Float]?]] { ["exp_avg": m, "exp_avg_sq": v] }

    override func restoreBuffers(_ saved: [String: [[Float]?]]) {
        m = saved["exp_avg"] ?? m
        v = saved["exp_avg_sq"] ?? v
    }
}

/// AdamW: ``Adam`` with decoupled weight decay (PyTorch's default λ = 0.01).
public final class AdamW: Adam {
    public init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupled: true)
    }
}
