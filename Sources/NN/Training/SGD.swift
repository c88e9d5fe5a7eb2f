import Tensor

/// Stochastic gradient descent with optional momentum and L2 weight decay (PyTorch's `SGD`):
///
/// ```
/// g ← g + λ·p
/// b ← g (first step),  b ← μ·b + g (later)       if μ > 0, then g ← b
/// p ← p − lr·g
/// ```
public final class SGD: Optimizer {
    public let momentum: Float
    public let weightDecay: Float
    private var buffers: [[Float]?]

    public init(_ parameters: [(name: String, tensor: Tensor)], learningRate: Float,
                momentum: Float = 0, weightDecay: Float = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: parameters.count)
        super.init(parameters, learningRate: learningRate)
    }

    override func update(_ index: Int, _ p: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
                         learningRate lr: Float) {
        let wd = weightDecay, mu = momentum
        guard mu != 0 else {
            for i in 0..<p.count { p[i] -= lr * (g[i] + wd * p[i]) }
            return
        }
        let first = buffers[index] == nil
        if first { buffers[index] = [Float](repeating: 0, count: p.count) }
        buffers[index]!.withUnsafeMutableBufferPointer { b in
            for i in 0..<p.count {
                let d = g[i] + wd * p[i]
                b[i] = first ? d : mu * b[i] + d
                p[i] -= lr * b[i]
            }
        }
    }

    override func stateBuffers() -> [String: [[Float]?]] {
        momentum == 0 ? [:] : ["momentum_buffer": buffers]
    }

    override func restoreBuffers(_ saved: [String: [[Float]?]]) {
        if let b = saved["momentum_buffer"] { buffers = b }
    }
}
