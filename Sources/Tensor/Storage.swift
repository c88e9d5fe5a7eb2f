import Foundation

/// A reuse pool for the large Float buffers behind tensors.
///
/// A training step allocates the same buffer sizes every time. Handing freed buffers back
/// to the next request of the same size class keeps the steady-state step free of `malloc`,
/// `mmap` and page faults for big buffers. Small buffers (≤ 16 KiB) go straight to `malloc`,
/// which is already fast for them.
///
/// Size classes: a request of `n` floats is rounded up to a multiple of 1/8 of the largest
/// power of two ≤ n, so at most 12.5 % of a buffer is slack and varying lengths still share
/// classes. At most `limitBytes` of free buffers are kept; beyond that they are freed.
/// All methods are thread-safe (one lock; it is taken once per large buffer, not per element).
public final class BufferPool: @unchecked Sendable {
    /// The pool every tensor uses.
    public static let shared = BufferPool()

    /// Requests up to this many floats are not pooled.
    static let smallCount = 1 << 12

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var cachedBytes = 0
    private var limit = 2 << 30

    /// The most bytes of free buffers kept for reuse (default 2 GiB).
    public var limitBytes: Int {
        get { lock.withLock { limit } }
        set { lock.withLock { limit = newValue } }
    }

    /// Bytes currently held as free buffers.
    public var freeBytes: Int { lock.withLock { cachedBytes } }

    /// Frees every cached buffer (e.g. after training, before inference of another shape).
    public func drain() {
        let buffers = lock.withLock { () -> [UnsafeMutablePointer<Float>] in
            defer { free.removeAll(); cachedBytes = 0 }
            return free.values.flatMap { $0 }
        }
        for pointer in buffers { pointer.deallocate() }
    }

    static func sizeClass(_ count: Int) -> Int {
        if count <= smallCount { return Swift.max(count, 1) }
        let log2 = Int.bitWidth - 1 - count.leadingZeroBitCount
        let step = 1 << (log2 - 3)
        return (count + step - 1) / step * step
    }

    func allocate(_ count: Int) -> (pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let capacity = Self.sizeClass(count)
        if capacity > Self.smallCount {
            lock.lock()
            if let pointer = free[capacity]?.popLast() {
                cachedBytes -= capacity &* 4
                lock.unlock()
                return (pointer, capacity)
            }
            lock.unlock()
        }
        return (.allocate(capacity: capacity), capacity)
    }

    func release(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        if capacity > Self.smallCount {
            lock.lock()
            if cachedBytes + capacity &* 4 <= limit {
                free[capacity, default: []].append(pointer)
                cachedBytes += capacity &* 4
                lock.unlock()
                return
            }
            lock.unlock()
        }
        pointer.deallocate()
    }
}

/// The contiguous Float buffer behind one or more tensors (a reshape shares its storage).
final class Storage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int
    private let capacity: Int

    /// Uninitialised storage for `count` floats from the pool.
    init(count: Int) {
        let (pointer, capacity) = BufferPool.shared.allocate(count)
        self.base = pointer
        self.count = count
        self.capacity = capacity
    }

    deinit { BufferPool.shared.release(base, capacity: capacity) }
}
