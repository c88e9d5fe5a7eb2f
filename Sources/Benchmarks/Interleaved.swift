import Foundation

/// Timings of FunAudio and a peer taken in alternation — ours, peer, ours, peer … — in one
/// invocation. On a shared machine load comes and goes; timed one after the other, a side can
/// be flattered or punished by it, but within a round both sides see nearly the same load, so
/// the per-round ratio is what a bench reports: its median over the rounds, with a 95 %
/// interval.
public struct RatioEstimate: Codable, Sendable, Equatable {
    /// Median of the per-round ratios ours / peer (below 1: FunAudio is faster).
    public var median: Double
    /// A distribution-free 95 % interval for that median (order statistics of the ratios).
    public var low: Double, high: Double
    public var rounds: Int

    /// The estimate from per-round times of the two sides (same count, same order).
    public init(ours: [Double], peer: [Double]) {
        precondition(ours.count == peer.count, "RatioEstimate: \(ours.count) rounds of ours, \(peer.count) of the peer")
        let ratios = zip(ours, peer).map { $0 / $1 }
        median = Measure.median(ratios)
        (low, high) = Measure.medianInterval(ratios)
        rounds = ratios.count
    }

    /// `0.84× (0.80–0.91, 15 rounds)`.
    public var text: String {
        "\(fixed(median, 2))× (\(fixed(low, 2))–\(fixed(high, 2)), \(rounds) rounds)"
    }
}

extension Measure {
    /// The 95 % interval of the median of `values` from their order statistics: the `k`-th
    /// smallest and largest values, `k` the largest with P(Binomial(n, ½) < k) ≤ 0.025. It needs
    /// no assumption on the distribution; below 6 values no `k` exists and the interval is the
    /// range.
    static func medianInterval(_ values: [Double]) -> (Double, Double) {
        let sorted = values.sorted()
        let n = sorted.count
        guard n > 0 else { return (.nan, .nan) }
        var k = 1, cumulative = 0.0, probability = pow(0.5, Double(n))  // P(X = 0)
        for j in 0..<n {
            cumulative += probability                                       // P(X ≤ j)
            if cumulative > 0.025 { break }
            k = j + 1                                                        // P(X < k) ≤ 0.025
            probability *= Double(n - j) / Double(j + 1)
        }
        k = min(k, (n + 1) / 2)
        return (sorted[k - 1], sorted[n - k])
    }
}

/// The figures of interleaved rounds, by name, one value per counted round: what a bench turns
/// into medians and ``RatioEstimate``s.
public struct RoundFigures: Sendable, Equatable {
    /// FunAudio's figures, in the order the rounds ran.
    public internal(set) var ours: [String: [Double]] = [:]
    /// Every number the peer printed in each round, in the same order.
    public internal(set) var peer: [String: [Double]] = [:]
    public internal(set) var rounds = 0

    /// The median of one of FunAudio's figures (NaN when it was never measured).
    public func median(ours key: String) -> Double { Measure.median(ours[key] ?? []) }

    /// The median of one of the peer's figures, or nil when the peer never printed it (no
    /// peer, or a peer that could not measure it, such as a failed `torch.compile`).
    public func median(peer key: String) -> Double? {
        peer[key].flatMap { $0.count == rounds ? Measure.median($0) : nil }
    }

    /// `ours[key] / peer[peerKey]` round by round, or nil when either side lacks the figure in
    /// some round.
    public func ratio(_ key: String, over peerKey: String) -> RatioEstimate? {
        guard let a = ours[key], let b = peer[peerKey], a.count == rounds, b.count == rounds, rounds > 0 else { return nil }
        return RatioEstimate(ours: a, peer: b)
    }
}

/// The one way benches here interleave: `rounds + 1` rounds, each FunAudio's side then the
/// peer's (ours, peer, ours, peer …); round 0 warms both up and is not counted.
enum Interleaved {
    /// Runs the rounds. `ours` returns the round's figures by name (usually median ms of a few
    /// calls); the peer's round object gives its figures (every number it printed). `progress`
    /// gets each counted round's number.
    static func run(rounds: Int, peer: PeerSession?, ours: () throws -> [String: Double],
                    progress: (Int) -> Void = { _ in }) throws -> RoundFigures {
        var figures = RoundFigures()
        for round in 0...rounds {
            let mine = try ours()
            let theirs = try peer?.round() ?? [:]
            guard round > 0 else { continue }
            for (key, value) in mine { figures.ours[key, default: []].append(value) }
            for (key, value) in theirs {
                if case .number(let x) = value { figures.peer[key, default: []].append(x) }
            }
            figures.rounds = round
            progress(round)
        }
        return figures
    }

    /// The median wall time of `repeats` calls of `body`, in milliseconds.
    static func medianMs(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return Measure.median(times)
    }
}

/// A Python peer kept running between rounds (`scripts/peers/<script>` with `--serve`), so
/// that each round costs one line on its stdin rather than a new interpreter and a new warm-up.
///
/// The protocol (`scripts/peers/rounds.py` implements the peer's half): the peer prints one
/// JSON object when it is ready (what it measured once: sizes, versions), then answers each
/// `round` line with one JSON object of timings, and exits on `quit` or end of input.
final class PeerSession {
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    private var pending = Data()
    /// What the peer printed when it became ready.
    private(set) var ready: [String: JSONValue] = [:]
    /// The ready line itself, for figures richer than numbers and strings (``decodeReady(_:)``).
    private var readyLine = Data()
    private var lastLine = Data()

    /// Starts `scripts/peers/<script> --serve arguments…` in the peers' virtualenv.
    convenience init(script: String, arguments: [String]) throws {
        try self.init(executable: try Peer.python(), arguments: [try Peer.script(script).path, "--serve"] + arguments)
    }

    /// Starts any program that speaks the protocol.
    init(executable: String, arguments: [String]) throws {
        let toPeer = Pipe(), fromPeer = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = toPeer
        process.standardOutput = fromPeer
        do { try process.run() } catch {
            throw Peer.Failure(description: "cannot start the peer \(executable): \(error.localizedDescription)")
        }
        input = toPeer.fileHandleForWriting
        output = fromPeer.fileHandleForReading
        ready = try readObject("being started")
        readyLine = lastLine
    }

    /// The ready line decoded as `T` (arrays, nested objects), or an error that shows the line.
    func decodeReady<T: Decodable>(_ type: T.Type) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: readyLine)
        } catch {
            throw Peer.Failure(description: "the peer's ready line is not a \(T.self) (\(error)): \(String(decoding: readyLine.prefix(300), as: UTF8.self))")
        }
    }

    deinit { close() }

    /// One timed round of the peer: its JSON object of figures.
    func round() throws -> [String: JSONValue] {
        try input.write(contentsOf: Data("round\n".utf8))
        return try readObject("round")
    }

    /// A figure of one round, or an error naming the key the peer did not print.
    func number(_ key: String, in object: [String: JSONValue]) throws -> Double {
        guard case .number(let value)? = object[key] else {
            throw Peer.Failure(description: "the peer printed no number '\(key)': \(object)")
        }
        return value
    }

    /// Asks the peer to exit and waits for it.
    func close() {
        guard process.isRunning else { return }
        try? input.write(contentsOf: Data("quit\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }

    private func readObject(_ what: String) throws -> [String: JSONValue] {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                lastLine = Data(line)
                pending = Data(pending[(newline + 1)...])
                do {
                    return try JSONDecoder().decode([String: JSONValue].self, from: line)
                } catch {
                    throw Peer.Failure(description: "the peer answered \(what) with a line that is not a JSON object: \(String(decoding: line, as: UTF8.self))")
                }
            }
            let chunk = output.availableData
            guard !chunk.isEmpty else {
                process.waitUntilExit()
                throw Peer.Failure(description: "the peer exited (status \(process.terminationStatus)) before answering \(what); run its script by hand to see why")
            }
            pending.append(chunk)
        }
    }
}

/// A JSON value as a peer prints it: numbers and strings are what benches read.
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case number(Double), string(String), bool(Bool), other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let x = try? container.decode(Double.self) { self = .number(x) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else { self = .other }
    }

    var description: String {
        switch self {
        case .number(let x): "\(x)"
        case .string(let s): s
        case .bool(let b): "\(b)"
        case .other: "…"
        }
    }
}
