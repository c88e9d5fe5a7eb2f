import Foundation

/// Turns SIGINT and SIGTERM into a flag the trainer reads after every step, so an
/// interrupted run writes a checkpoint, is marked `interrupted` and exits cleanly.
///
/// A second signal while the first is being handled restores the default action and
/// re-raises it: a user pressing Ctrl-C twice gets out at once.
public final class StopSignal: @unchecked Sendable {
    public static let shared = StopSignal()

    private let lock = NSLock()
    private var raised: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// The signal received, if any.
    public var received: Int32? { lock.withLock { raised } }
    public var isRaised: Bool { received != nil }

    /// Starts catching SIGINT and SIGTERM (idempotent).
    public func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in self?.handle(signalNumber) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private func handle(_ signalNumber: Int32) {
        let second = lock.withLock { () -> Bool in
            defer { raised = raised ?? signalNumber }
            return raised != nil
        }
        if second {
            signal(signalNumber, SIG_DFL)
            raise(signalNumber)
        } else {
            FileHandle.standardError.write(Data(
                "\nfunaudio: stopping after this step (checkpoint, then exit); signal again to quit now\n".utf8))
        }
    }

    /// For tests: forget a received signal.
    public func reset() { lock.withLock { raised = nil } }
}
