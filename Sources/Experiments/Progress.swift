import Foundation

/// Progress of long work on standard error: a redrawn bar in a terminal, plain periodic
/// lines (at most one per `interval`) when the output is a file or a pipe. Each shows done
/// of total, a status (loss, last validation), the rate and the ETA; the ETA is "unknown"
/// until a rate has been measured (a resumed run measures from where it resumed).
public final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private let unit: String
    private let isTerminal: Bool
    private let interval: TimeInterval
    private let started = Date()
    /// The first count reported and when: the rate is measured from there.
    private var first: (done: Int, time: Date)?
    private var lastDraw = Date.distantPast
    private let output: (String) -> Void

    public init(_ label: String, total: Int, unit: String = "items", isTerminal: Bool = isatty(STDERR_FILENO) != 0,
                interval: TimeInterval = 10,
                output: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
        self.isTerminal = isTerminal
        self.interval = isTerminal ? 0.1 : interval
        self.output = output
    }

    /// Reports `done` of `total` with a short status (`loss 0.412`). Cheap when called often.
    public func update(_ done: Int, _ status: String = "") {
        let now = Date()
        let first = self.first ?? (done, now)
        self.first = first
        guard now.timeIntervalSince(lastDraw) >= interval || done >= total else { return }
        lastDraw = now
        let elapsed = now.timeIntervalSince(started)
        let measured = now.timeIntervalSince(first.time)
        let fraction = Double(min(done, total)) / Double(total)
        var speed = "ETA unknown"
        if done > first.done, measured > 0 {
            let rate = Double(done - first.done) / measured
            speed = String(format: "%.2f \(unit)/s, ETA ", rate) + Self.clock(Double(max(total - done, 0)) / rate)
        }
        let text = ["\(label) \(done)/\(total)", status, "\(Self.clock(elapsed)) elapsed, \(speed)"]
            .filter { !$0.isEmpty }.joined(separator: " ")
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
