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
///
/// During a step's last micro-batch each parameter is added as soon as backward has its
/// gradient (``add(_:_:reducingWith:)``), and a bucket whose parameters are all in starts its
/// allreduce at once, while backward computes the rest (PyTorch DDP's overlap): backward
/// reaches the last parameters first, so the last bucket goes first. ``finishReductions(_:)``
/// then waits for them; the sums are the same rank-ordered additions either way.
struct GradientBuckets {
    /// 4 Mi floats (16 MB): about PyTorch DDP's 25 MB bucket. Smaller buckets start earlier
    /// but cost more calls: with 1 MB buckets the quickstart model's 2 ranks on 2 cores ran at
    /// 83.5 utterances/s against 86.9 with one bucket (`bench mpi`, 2 × 3 rounds), since two
    /// busy ranks leave no core for the gathers to progress on while backward computes.
    static let defaultCapacity = 1 << 22

    /// Parameter `i` lives at `buffers[places[i].bucket][places[i].offset...]`, `counts[i]` floats.
    let places: [(bucket: Int, offset: Int)]
    let counts: [Int]
    private(set) var buffers: [[Float]]
    /// How many micro-batches gave parameter `i` a gradient (summed over ranks after ``finishReductions(_:)``).
    private(set) var present: [Float]
    /// Parameters of each bucket not yet added in this micro-batch, and which ones are.
    private var missing: [Int] = [], added: [Bool] = []
    /// Each bucket's allreduce once started.
    private var pending: [Communicator.PendingSum?] = []
    private var first = true

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
        pending = Array(repeating: nil, count: sizes.count)
    }

    /// Starts a micro-batch's additions; `first` starts the sums over.
    mutating func beginMicroBatch(first: Bool) {
        self.first = first
        missing = [Int](repeating: 0, count: buffers.count)
        for place in places { missing[place.bucket] += 1 }
        added = [Bool](repeating: false, count: counts.count)
    }

    /// Adds parameter `i`'s gradient of this micro-batch (`nil`: none). With a communicator
    /// (the step's last micro-batch), the bucket's allreduce starts once all its parameters
    /// are in.
    mutating func add(_ i: Int, _ gradient: Tensor?, reducingWith communicator: Communicator? = nil) throws {
        precondition(!added[i], "GradientBuckets: parameter \(i) added twice in one micro-batch")
        added[i] = true
        accumulate(i, gradient)
        let bucket = places[i].bucket
        missing[bucket] -= 1
        guard let communicator, communicator.size > 1, missing[bucket] == 0 else { return }
        for sum in pending { try sum?.poll() }  // lets the earlier buckets' gathers move on
        pending[bucket] = try buffers[bucket].withUnsafeBufferPointer { try communicator.startAllreduceSum($0) }
    }

    /// Adds the parameters backward gave no gradient this micro-batch (and starts the
    /// buckets they complete, with a communicator).
    mutating func addRest(reducingWith communicator: Communicator? = nil) throws {
        for i in counts.indices where !added[i] { try add(i, nil, reducingWith: communicator) }
    }

    /// Waits for every bucket's allreduce and writes the sums; the presence counts are summed too.
    mutating func finishReductions(_ communicator: Communicator) throws {
        for b in buffers.indices {
            guard let sum = pending[b] else { continue }
            try buffers[b].withUnsafeMutableBufferPointer { try sum.finish(into: $0) }
            pending[b] = nil
        }
        try communicator.allreduceSum(&present)
    }

    /// Adds one gradient into its place (copies when `first`, so `−0` stays `−0` as it would
    /// in a single backward pass).
    private mutating func accumulate(_ i: Int, _ gradient: Tensor?) {
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
