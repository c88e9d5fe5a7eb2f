import Ranks
import Tensor

/// The gradients of a model's parameters laid end to end, in the optimizer's (fixed)
/// parameter order, in buckets of whole parameters of about ``defaultCapacity`` floats each:
/// the unit of one allreduce. Micro-batches add into them in order, so on one rank the
/// buckets hold `((g₀ + g₁) + g₂) + …`, and the allreduce adds the ranks' buckets in rank
/// order the same way (``Communicator/allreduceSum(_:)``): N ranks of one micro-batch each
/// make exactly the additions of one process accumulating the same N micro-batches.
///
/// Why not let backward accumulate into `grad` across micro-batches: backward adds each
/// use of a parameter into its grad in turn, so a second pass would give `(a₀ + b₀) + a₁ + b₁`
/// where ranks give `(a₀ + b₀) + (a₁ + b₁)`, not bitwise equal.
struct GradientBuckets {
    /// 4 Mi floats (16 MB): about PyTorch DDP's 25 MB bucket, few calls for a small model.
    static let defaultCapacity = 1 << 22

    /// Parameter `i` lives at `buffers[places[i].bucket][places[i].offset...]`, `counts[i]` floats.
    let places: [(bucket: Int, offset: Int)]
    let counts: [Int]
    private(set) var buffers: [[Float]]
    /// How many micro-batches gave parameter `i` a gradient (summed over ranks after ``reduce(_:)``).
    private(set) var present: [Float]

    init(counts: [Int], capacity: Int = GradientBuckets.defaultCapacity) {
        precondition(capacity > 0, "GradientBuckets: capacity \(capacity)")
        var places: [(bucket: Int, offset: Int)] = [], sizes: [Int] = []
        for count in counts {
            if sizes.isEmpty || (sizes[sizes.count - 1] > 0 && sizes[sizes.count - 1] + count > capacity) { sizes.append(0) }
            places.append((sizes.count - 1, sizes[sizes.count - 1]))
            sizes[sizes.count - 1] += count
        }
        self.places = places
        self.counts = counts
        buffers = sizes.map { [Float](repeating: 0, count: $0) }
        present = [Float](repeating: 0, count: counts.count)
    }

    /// Adds the parameters' gradients (`nil`: no gradient, adds nothing); `first` starts
    /// the sums over (copies, so `−0` stays `−0` as it would in a single backward pass).
    mutating func add(_ gradients: [Tensor?], first: Bool) {
        precondition(gradients.count == counts.count, "GradientBuckets: \(gradients.count) gradients for \(counts.count) parameters")
        for (i, gradient) in gradients.enumerated() {
            let (bucket, offset) = places[i], n = counts[i]
            present[i] = (first ? 0 : present[i]) + (gradient == nil ? 0 : 1)
            buffers[bucket].withUnsafeMutableBufferPointer { buffer in
                let slice = UnsafeMutableBufferPointer(rebasing: buffer[offset ..< offset + n])
                guard let gradient else {
                    if first { slice.update(repeating: 0) }
                    return
                }
                precondition(gradient.count == n, "GradientBuckets: parameter \(i) has \(gradient.count) gradient values, not \(n)")
                gradient.withUnsafeBufferPointer { g in
                    if first {
                        _ = slice.update(fromContentsOf: g)
                    } else {
                        for j in 0..<n { slice[j] += g[j] }
                    }
                }
            }
        }
    }

    /// Sums every bucket (and the presence counts) over the ranks, bucket by bucket in order.
    mutating func reduce(_ communicator: Communicator) throws {
        for b in buffers.indices { try communicator.allreduceSum(&buffers[b]) }
        try communicator.allreduceSum(&present)
    }

    /// Parameter `i`'s summed gradient written into `tensor.grad` (reusing its buffer), or
    /// nil if no micro-batch of any rank gave it one (the optimizer then leaves it alone).
    func writeGradient(_ i: Int, into tensor: Tensor) {
        guard present[i] > 0 else {
            tensor.grad = nil
            return
        }
        let gradient = tensor.grad ?? Tensor.zeros(tensor.shape)
        let (bucket, offset) = places[i]
        gradient.withUnsafeMutableBufferPointer { g in
            buffers[bucket].withUnsafeBufferPointer { buffer in
                _ = g.update(fromContentsOf: buffer[offset ..< offset + counts[i]])
            }
        }
        tensor.grad = gradient
    }

    /// Copies parameter values in (`parameters[i]` into its place), for a broadcast of weights.
    mutating func load(values parameters: [Tensor]) {
        for (i, p) in parameters.enumerated() {
            let (bucket, offset) = places[i]
            p.withUnsafeBufferPointer { v in
                buffers[bucket].withUnsafeMutableBufferPointer { buffer in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[offset ..< offset + counts[i]]).update(fromContentsOf: v)
                }
            }
        }
    }

    /// Makes every rank's parameters rank 0's: bucket by bucket, broadcast and write back.
    mutating func broadcastValues(_ parameters: [Tensor], from communicator: Communicator) throws {
        guard communicator.size > 1 else { return }
        load(values: parameters)
        for b in buffers.indices { try communicator.broadcast(&buffers[b]) }
        for (i, p) in parameters.enumerated() {
            let (bucket, offset) = places[i]
            p.withUnsafeMutableBufferPointer { v in
                buffers[bucket].withUnsafeBufferPointer { buffer in
                    _ = v.update(fromContentsOf: buffer[offset ..< offset + counts[i]])
                }
            }
        }
    }
}
