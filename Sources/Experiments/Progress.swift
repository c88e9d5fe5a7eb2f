import Foundation

/// Progress of long work on standard error: a redrawn bar with loss and ETA in a terminal,
/// plain periodic lines (at most one per `interval`) when the output is a file or a pipe.
public final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let isTerminal: Bool
    private let interval: TimeInterval
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let output: (String) -> Void

    public init(_ label: String, total: Int, isTerminal: Bool = isatty(STDERR_FILENO) != 0,
                interval: TimeInterval = 10,
                output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = max(total, 1)
        self.isTerminal = isTerminal
        self.interval = isTerminal ? 0.1 : interval
        self.output = output
    }

    /// Reports `done` of `total` with a short status (`loss 0.412`). Cheap when called often.
    public func update(_ done: Int, _ status: String = "") {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= interval || done >= total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let fraction = Double(min(done, total)) / Double(total)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let text = "\(label) \(done)/\(total) \(status) \(Self.clock(elapsed)) elapsed, ETA \(Self.clock(eta))"
        if isTerminal {
            let width = 24, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            output("\r\u{1B}[2K\(bar) \(text)" + (done >= total ? "\n" : ""))
        } else {
            output(text + "\n")
        }
    }

    static func clock(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
