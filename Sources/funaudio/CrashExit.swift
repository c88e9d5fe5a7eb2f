import Foundation

/// Makes a crash end the process at once, so that a batch job (a Slurm allocation) is freed
/// instead of held by a process that never exits.
///
/// Swift's runtime handles fatal signals with its backtracer (`swift-backtrace`), which on
/// Linux often blocks for minutes in a non-interactive process, and resumes a process that
/// merely *received* SIGSEGV or SIGABRT from `kill` (measured with Swift 6.3.1: the run went
/// on). The runtime reads `SWIFT_BACKTRACE` once, before `main`, so setting it here would
/// come too late; replacing its signal handlers does not. With `SWIFT_BACKTRACE` set by the
/// user the runtime's handlers stay: that is how to ask for a backtrace.
enum CrashExit {
    static let signals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Replaces the runtime's handlers of fatal signals unless `SWIFT_BACKTRACE` is set.
    /// The signals are unblocked too: a mask inherited from the parent (seen under a test
    /// runner's `Process`) would otherwise leave a SIGABRT sent to the process pending forever.
    static func install() {
        var fatal = sigset_t()
        sigemptyset(&fatal)
        for signal in signals { sigaddset(&fatal, signal) }
        sigprocmask(SIG_UNBLOCK, &fatal, nil)
        guard ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"] == nil else { return }
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                // Only async-signal-safe calls: a constant message, then the default action.
                let message: StaticString = """
                    funaudio: crashed (fatal signal); for a backtrace run it again with \
                    SWIFT_BACKTRACE=enable=yes,interactive=no\n
                    """
                message.withUTF8Buffer { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
                Glibc.signal(received, SIG_DFL)
                raise(received)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_ONSTACK
            sigaction(signal, &action, nil)
        }
    }
}
