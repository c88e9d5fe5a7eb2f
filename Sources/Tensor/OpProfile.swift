import Foundation

/// Where the time of a forward, backward and update goes, op by op: the per-op profile that
/// says what to make faster (`funaudio bench profile`).
///
/// Inside ``measure(_:)`` every op result (``Tensor/record(_:op:inputs:backward:)``, in or out of
/// grad mode) is charged the time since the previous one, and every node of ``Tensor/backward(_:retainGraph:leafDone:)``
/// the time of its gradient, including adding it into its inputs'. Ops compute their result
/// before they record it, so an op is charged its own work plus whatever ran between it and the
/// op before (shape checks, the model's Swift code between layers); ``mark(_:)`` charges the time
/// since the last op to a label of its own (the optimizer step, say). Nothing is missed: the
/// entries add up to the time from the start of ``measure(_:)`` to the last op or mark.
///
/// Work runs on the thread that calls ``measure(_:)``: the profile follows the task, as
/// ``GradMode`` does, and kernels' own worker threads are inside the op that started them.
public final class OpProfile: @unchecked Sendable {
    /// The profile ops report to, if any.
    @TaskLocal static var active: OpProfile?

    /// One op's (or label's) time and count.
    public struct Entry: Sendable, Equatable {
        public var seconds = 0.0
        public var calls = 0
    }

    /// Time per op name: forward entries under the op's name, backward ones under
    /// `"<op> backward"`, gradients added into leaves under `"accumulate grad"`.
    public private(set) var entries: [String: Entry] = [:]
    private var last: UInt64 = 0

    public init() {}

    /// Runs `body` with this profile collecting; time before the first op counts from here.
    public func measure<R>(_ body: () throws -> R) rethrows -> R {
        last = DispatchTime.now().uptimeNanoseconds
        return try Self.$active.withValue(self, operation: body)
    }

    /// Charges the time since the last op or mark to `label`.
    public func mark(_ label: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        entries[label, default: Entry()].seconds += Double(now &- last) / 1e9
        entries[label, default: Entry()].calls += 1
        last = now
    }

    /// Total time charged so far.
    public var totalSeconds: Double { entries.values.reduce(0) { $0 + $1.seconds } }
}
