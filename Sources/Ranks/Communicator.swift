import CMPI
import Foundation

/// The ranks of one job: a process launched by `mpirun -n N` or `srun` is one of N ranks
/// that start from the same command and talk through MPI; any other process is the only
/// rank of a world of one (``single``), where every collective is a no-op and MPI is never
/// initialised. Training code calls the same methods either way, so a single process runs
/// exactly the code of rank 0 of a larger job.
///
/// MPI is initialised with `MPI_THREAD_FUNNELED`: only the thread that initialised it may
/// call MPI (FunAudio's worker threads never do). Errors return (`MPI_ERRORS_RETURN`) and
/// arrive as ``RanksError``; MPI's default would abort the whole job without a word.
public final class Communicator: @unchecked Sendable {
    /// This process's index in `0..<size`; rank 0 alone writes runs.db, checkpoints and reports.
    public let rank: Int
    public let size: Int
    /// `MPI_COMM_WORLD`, nil in a world of one.
    private let comm: MPI_Comm?

    private init(rank: Int, size: Int, comm: MPI_Comm?) {
        self.rank = rank
        self.size = size
        self.comm = comm
    }

    /// The world of one process: rank 0 of 1, no MPI.
    public static let single = Communicator(rank: 0, size: 1, comm: nil)

    public var isRoot: Bool { rank == 0 }

    /// Whether a launcher started this process as a rank of an MPI job: OpenMPI's `mpirun`
    /// sets `OMPI_COMM_WORLD_SIZE`, PMIx launchers (`srun --mpi=pmix`, `prterun`) `PMIX_RANK`,
    /// PMI-2 ones (`srun --mpi=pmi2`) `PMI_RANK`. `SLURM_PROCID` alone does not count: every
    /// task of a Slurm job array has it, and those are independent processes.
    public static func launchedByMPI(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil || environment["PMI_RANK"] != nil
    }

    private nonisolated(unsafe) static var worldCache: Communicator?

    /// The job this process belongs to: MPI's world if a launcher started it
    /// (``launchedByMPI(environment:)``; MPI is initialised on the first call, on the calling
    /// thread, which must be the one that makes every later call), else ``single``.
    public static func world(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Communicator {
        if let worldCache { return worldCache }
        guard launchedByMPI(environment: environment) else {
            worldCache = single
            return single
        }
        var provided: Int32 = 0
        // MPI_Init_thread's own failure cannot return an error code: MPI aborts with its message.
        _ = MPI_Init_thread(nil, nil, funaudio_mpi_thread_funneled(), &provided)
        let comm = funaudio_mpi_comm_world()
        try check(MPI_Comm_set_errhandler(comm, funaudio_mpi_errors_return()), "MPI_Comm_set_errhandler")
        guard provided >= funaudio_mpi_thread_funneled() else {
            throw RanksError("this MPI library offers thread level \(provided), FunAudio needs MPI_THREAD_FUNNELED")
        }
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(comm, &size), "MPI_Comm_size")
        let world = Communicator(rank: Int(rank), size: Int(size), comm: comm)
        worldCache = world
        return world
    }

    /// Sums `buffer` element-wise over all ranks, in place, in rank order: every rank gathers
    /// all ranks' buffers and adds them left to right, `((b₀ + b₁) + b₂) + …`, the additions one
    /// process makes when it accumulates the same micro-batches in turn. So an N-rank step
    /// equals the one-process step with N micro-batches bit for bit at any N, and every rank
    /// holds the same bits. `MPI_Allreduce` would not do that beyond two ranks: its reduction
    /// tree depends on the job's size and the message's length. The price: N buffers of memory
    /// and traffic per call instead of about two, small for the ranks of one host.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard size > 1, let base = buffer.baseAddress else { return }
        try chunks(buffer.count, limit: Int(Int32.max) / size) { offset, count in
            let piece = UnsafeMutableBufferPointer(start: base + offset, count: Int(count))
            try startAllreduceSum(UnsafeBufferPointer(piece)).finish(into: piece)
        }
    }

    /// ``allreduceSum(_:)`` in two halves, so that the gather (`MPI_Iallgather` of a copy of
    /// `values`) runs while the caller computes, as a gradient bucket's does during the rest
    /// of backward; ``PendingSum/finish(into:)`` waits and writes the same rank-ordered sum.
    /// At most `Int32.max / size` values.
    public func startAllreduceSum(_ values: UnsafeBufferPointer<Float>) throws -> PendingSum {
        let pending = PendingSum(values, ranks: size)
        guard let comm, size > 1 else { return pending }
        guard values.count <= Int(Int32.max) / size else {
            throw RanksError("a sum of \(values.count) values over \(size) ranks is too large for one MPI call")
        }
        try Self.check(MPI_Iallgather(pending.sent.baseAddress, Int32(values.count), funaudio_mpi_float(),
                                      pending.gathered.baseAddress, Int32(values.count), funaudio_mpi_float(), comm,
                                      &pending.request), "MPI_Iallgather of \(values.count) floats")
        return pending
    }

    /// A rank-ordered sum under way (``Communicator/startAllreduceSum(_:)``). It owns copies
    /// of what it sends and gathers, so the caller's buffer is free until ``finish(into:)``.
    public final class PendingSum {
        let sent: UnsafeMutableBufferPointer<Float>
        let gathered: UnsafeMutableBufferPointer<Float>
        var request: MPI_Request?
        let ranks: Int

        init(_ values: UnsafeBufferPointer<Float>, ranks: Int) {
            self.ranks = ranks
            sent = .allocate(capacity: values.count)
            _ = sent.initialize(fromContentsOf: values)
            gathered = .allocate(capacity: ranks > 1 ? values.count * ranks : 0)
        }

        deinit {
            if request != nil { _ = MPI_Wait(&request, nil) }  // MPI may still write into `gathered`
            sent.deallocate()
            gathered.deallocate()
        }

        /// Gives MPI a chance to move the gather on (`MPI_Test`), as callers do between pieces
        /// of other work: without an MPI call a nonblocking collective may not progress.
        public func poll() throws {
            guard request != nil else { return }
            var done: Int32 = 0
            try Communicator.check(MPI_Test(&request, &done, nil), "MPI_Test")
            if done != 0 { request = nil }
        }

        /// Waits for the gather and writes the rank-ordered sum into `buffer` (as many values
        /// as were sent).
        public func finish(into buffer: UnsafeMutableBufferPointer<Float>) throws {
            precondition(buffer.count == sent.count, "PendingSum: \(buffer.count) values for a sum of \(sent.count)")
            guard ranks > 1 else {
                _ = buffer.update(fromContentsOf: sent)
                return
            }
            if request != nil {
                try Communicator.check(MPI_Wait(&request, nil), "MPI_Wait")
                request = nil
            }
            let n = sent.count
            for j in 0..<n {
                var sum = gathered[j]
                for r in 1..<ranks { sum += gathered[r * n + j] }
                buffer[j] = sum
            }
        }
    }

    public func allreduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// The largest of `value` over all ranks (e.g. "does any rank ask to stop?").
    public func allreduceMax(_ value: Float) throws -> Float {
        guard let comm, size > 1 else { return value }
        var result = value, input = value
        try Self.check(MPI_Allreduce(&input, &result, 1, funaudio_mpi_float(), funaudio_mpi_max(), comm), "MPI_Allreduce (max)")
        return result
    }

    /// Overwrites `buffer` on every rank with `root`'s (all ranks pass the same length).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int = 0) throws {
        guard let comm, size > 1, let base = buffer.baseAddress else { return }
        try chunks(buffer.count) { offset, count in
            try Self.check(MPI_Bcast(base + offset, count, funaudio_mpi_float(), Int32(root), comm),
                           "MPI_Bcast of \(buffer.count) floats")
        }
    }

    public func broadcast(_ values: inout [Float], root: Int = 0) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Rank `root`'s bytes on every rank, whatever the others held: for what only rank 0 may
    /// read (runs.db is opened by rank 0 alone), such as the run and checkpoint a resume
    /// starts from.
    public func broadcast(_ data: inout Data, root: Int = 0) throws {
        guard let comm, size > 1 else { return }
        var count = Int64(data.count)
        try Self.check(MPI_Bcast(&count, Int32(MemoryLayout<Int64>.size), funaudio_mpi_byte(), Int32(root), comm),
                       "MPI_Bcast of a length")
        guard count >= 0 else { throw RanksError("rank \(root) broadcast a length of \(count) bytes") }
        if rank != root { data = Data(count: Int(count)) }
        try data.withUnsafeMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            try chunks(bytes.count) { offset, n in
                try Self.check(MPI_Bcast(base + offset, n, funaudio_mpi_byte(), Int32(root), comm),
                               "MPI_Bcast of \(bytes.count) bytes")
            }
        }
    }

    /// What rank 0's `decide` returns, on every rank: for decisions only rank 0 can make,
    /// from what only it may read (runs.db), such as where a resumed run starts. When
    /// `decide` throws, every rank throws: rank 0 its own error, the others one quoting it.
    /// In a world of one, just `decide()`.
    public func rootDecides<Decision: Codable>(_ decide: () throws -> Decision) throws -> Decision {
        guard size > 1 else { return try decide() }
        var message = Data(), failure: (any Error)?
        if isRoot {
            let outcome: RootOutcome<Decision>
            do {
                outcome = .decided(try decide())
            } catch {
                failure = error
                outcome = .failed("\(error)")
            }
            let encoder = PropertyListEncoder()
            encoder.outputFormat = .binary  // a checkpoint travels as its bytes, not as base64
            message = try encoder.encode(outcome)
        }
        try broadcast(&message)
        switch try PropertyListDecoder().decode(RootOutcome<Decision>.self, from: message) {
        case .decided(let decision): return decision
        case .failed(let reason): throw failure ?? RanksError("rank 0 failed: \(reason)")
        }
    }

    /// Waits until every rank has called it.
    public func barrier() throws {
        guard let comm, size > 1 else { return }
        try Self.check(MPI_Barrier(comm), "MPI_Barrier")
    }

    /// Ends every rank of the job at once (`MPI_Abort`): for a failure one rank cannot share
    /// with the others, which would otherwise wait for it in a collective forever.
    public func abort(code: Int32 = 1) -> Never {
        if let comm { _ = MPI_Abort(comm, code) }
        exit(code)
    }

    /// The end of a rank's work: waits (polling; up to `timeout` seconds, nil: as long as it
    /// takes) until every rank has arrived, then finalises MPI. A rank that does not arrive
    /// has failed alone or hangs, and the others would wait for it forever: after the timeout
    /// the job is aborted with a message saying so. Nothing to do in a world of one.
    public func finish(timeout: TimeInterval? = nil) {
        guard let comm else { return }
        if size > 1 {
            var request: MPI_Request? = nil
            var done: Int32 = 0
            let deadline = timeout.map { Date().addingTimeInterval($0) } ?? .distantFuture
            if MPI_Ibarrier(comm, &request) == MPI_SUCCESS {
                while done == 0, Date() < deadline {
                    guard MPI_Test(&request, &done, nil) == MPI_SUCCESS else { break }
                    if done == 0 { usleep(10_000) }
                }
            }
            if done == 0 {
                FileHandle.standardError.write(Data(
                    "funaudio: rank \(rank): the other ranks did not finish within \(Int(timeout ?? 0)) s (one failed alone or hangs); aborting the job\n".utf8))
                abort(code: 1)
            }
        }
        _ = MPI_Finalize()
    }

    /// MPI counts are `Int32`: a longer buffer goes in pieces.
    /// Calls `body(offset, length)` over `0..<count` in pieces of at most `limit` (MPI counts are `Int32`).
    private func chunks(_ count: Int, limit: Int = Int(Int32.max), _ body: (Int, Int32) throws -> Void) throws {
        var offset = 0
        while offset < count {
            let n = min(count - offset, limit)
            try body(offset, Int32(n))
            offset += n
        }
    }

    static func check(_ code: Int32, _ call: String) throws {
        guard code != MPI_SUCCESS else { return }
        var text = [CChar](repeating: 0, count: Int(funaudio_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        _ = MPI_Error_string(code, &text, &length)
        let message = String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw RanksError("\(call) failed: \(message) (error \(code)); another rank has probably died")
    }
}

/// An MPI call failed, or MPI cannot be used as FunAudio needs.
public struct RanksError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What ``Communicator/rootDecides(_:)`` sends: rank 0's decision, or why it has none.
private enum RootOutcome<Decision: Codable>: Codable {
    case decided(Decision)
    case failed(String)
}
