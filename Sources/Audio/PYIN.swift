import Foundation

/// Probabilistic YIN (Mauch & Dixon 2014), computed as `librosa.pyin(y, fmin, fmax, sr,
/// frame_length, hop_length)` does with its defaults, so that F0 and voicing measured here
/// mean what they mean in Python evaluations. YIN alone gives every frame a period, noise and
/// silence included; pYIN also decides which frames are voiced, by weighing all of d'(τ)'s
/// troughs over a range of thresholds and smoothing the decisions over time.
///
/// Per frame, from ``YIN``'s d'(τ), its troughs and their parabolic refinement:
///
///     thresholds   s_j = j/100, j = 1…100, weighted P(s_j) = B(s_j) − B(s_{j−1}), B the Beta(2, 18) CDF
///     trough prior the troughs below s_j, ranked r = 0, 1, … by period among n_j:
///                  (1 − e^{−2}) e^{−2r} / (1 − e^{−2 n_j})     (Boltzmann: shorter periods first)
///     p(trough)    = Σ_j prior(trough, s_j) · P(s_j)
///                  + 0.01 · Σ_{s_j ≤ d'(deepest)} P(s_j)  for the deepest trough ("no trough below s_j")
///
/// A trough's probability goes to the pitch bin of its refined period, `fmin · 2^(b/120)` (ten
/// bins a semitone, the last one added wins a shared bin, as in librosa); the frame's voiced
/// probability is their sum (at most 1), and each unvoiced state gets `(1 − voiced)/bins`. A
/// Viterbi path over voiced and unvoiced copies of the bins then picks one state per frame:
/// the pitch moves at most 35.92 octaves/s, `round(35.92·12·hop/sr)` semitones a frame, with
/// a triangular preference for small moves, and the voicing switches with probability 0.01.
public struct PYIN: Sendable {
    public let yin: YIN
    public let fmin: Double
    /// Pitch bins, `fmin · 2^(b/120)` for b in `0..<bins`.
    public let bins: Int
    /// How many bins the pitch may move from one frame to the next, each way.
    let reach: Int
    /// The thresholds s_j = j/100, j = 1…100, and their weights P(s_j).
    let thresholds: [Double], thresholdWeights: [Double]
    /// ln(transition + tiny) from bin k to bin k + d, `[k · (2·reach+1) + d + reach]`, keeping
    /// the voicing and switching it.
    let logStay: [Double], logSwitch: [Double]

    static let binsPerSemitone = 10
    static let switchProbability = 1 - 0.99
    static let noTroughProbability = 0.01
    static let maxTransitionRate = 35.92
    /// ln(tiny): librosa adds the smallest normal double before every logarithm.
    static let logTiny = log(Double.leastNormalMagnitude)

    public init(sampleRate: Double, fmin: Double, fmax: Double, frameLength: Int = 2048,
                hopLength: Int = 512) throws {
        yin = try YIN(sampleRate: sampleRate, fmin: fmin, fmax: fmax, frameLength: frameLength, hopLength: hopLength)
        self.fmin = fmin
        let binCount = (Double(12 * Self.binsPerSemitone) * log2(fmax / fmin)).rounded(.down) + 1
        // Viterbi's back-pointers are 16-bit, as librosa's: 2·bins states must fit.
        try AudioError.require(binCount <= Double(Int16.max), "fmin", fmin,
                               "spans too many pitch bins up to fmax=\(fmax) (at most \(Int16.max)); raise fmin")
        let bins = Int(binCount)
        self.bins = bins
        // numpy's linspace(0, 1, 101): j·0.01, the last exactly 1.
        let grid = (0...100).map { $0 == 100 ? 1.0 : Double($0) * 0.01 }
        let cdf = grid.map { Self.betaCDF($0, a: 2, b: 18) }
        thresholds = Array(grid.dropFirst())
        thresholdWeights = (1...100).map { cdf[$0] - cdf[$0 - 1] }

        let semitones = (Self.maxTransitionRate * 12 * Double(hopLength) / sampleRate).rounded(.toNearestOrEven)
        let width = Int(semitones) * Self.binsPerSemitone + 1
        let reach = width / 2
        self.reach = reach
        // scipy's symmetric triangle of odd width: 2n/(width+1), n = 1…reach+1…1.
        let window = (0..<width).map { 2 * Double(reach + 1 - abs($0 - reach)) / Double(width + 1) }
        var stay = [Double](repeating: Self.logTiny, count: bins * width), change = stay
        for k in 0..<bins {
            let band = max(0, k - reach)...min(bins - 1, k + reach)
            let total = band.reduce(0.0) { $0 + window[$1 - k + reach] }
            for j in band {
                let t = window[j - k + reach] / total
                stay[k * width + j - k + reach] = log((1 - Self.switchProbability) * t + .leastNormalMagnitude)
                change[k * width + j - k + reach] = log(Self.switchProbability * t + .leastNormalMagnitude)
            }
        }
        logStay = stay
        logSwitch = change
    }

    /// F0, voicing and voiced probability of every centred frame of `signal`.
    public func track(_ signal: [Float]) throws -> PitchTrack {
        var observations: [Double] = [], voicedProbability: [Float] = []
        try yin.forEachFrame(of: signal) { cmnd in
            let voiced = observe(cmnd, into: &observations)
            voicedProbability.append(Float(voiced))
        }
        let states = viterbi(observations, frames: voicedProbability.count)
        let f0 = states.map { $0 < bins ? Float(fmin * pow(2, Double($0) / Double(12 * Self.binsPerSemitone))) : .nan }
        return PitchTrack(sampleRate: yin.sampleRate, hopLength: yin.hopLength, f0: f0,
                          voiced: states.map { $0 < bins }, voicedProbability: voicedProbability)
    }

    /// Appends one frame's 2·bins observation probabilities (voiced bins, then unvoiced) and
    /// returns its voiced probability.
    func observe(_ cmnd: [Double], into observations: inout [Double]) -> Double {
        let troughs = cmnd.indices.filter { YIN.isTrough(cmnd, $0) }
        var probability = [Double](repeating: 0, count: troughs.count)
        // For each threshold, the troughs below it in order of period share its weight.
        for (threshold, weight) in zip(thresholds, thresholdWeights) {
            let below = troughs.indices.filter { cmnd[troughs[$0]] < threshold }
            guard !below.isEmpty else { continue }
            let scale = (1 - exp(-2.0)) / (1 - exp(-2 * Double(below.count)))
            for (rank, i) in below.enumerated() { probability[i] += scale * exp(-2 * Double(rank)) * weight }
        }
        if let deepest = troughs.indices.min(by: { cmnd[troughs[$0]] < cmnd[troughs[$1]] }) {
            let height = cmnd[troughs[deepest]]
            let notBelow = thresholds.prefix { !(height < $0) }.count
            probability[deepest] += Self.noTroughProbability * thresholdWeights.prefix(notBelow).reduce(0, +)
        }
        let start = observations.count
        observations += [Double](repeating: 0, count: 2 * bins)
        for (i, p) in zip(troughs, probability) where p != 0 {
            let period = Double(yin.periods.lowerBound + i) + YIN.parabolicShift(cmnd, i)
            let bin = (Double(12 * Self.binsPerSemitone) * log2(yin.sampleRate / period / fmin)).rounded(.toNearestOrEven)
            // librosa clips to `bins`, one past the last: such a candidate is dropped.
            if bin < Double(bins) { observations[start + max(0, Int(bin))] = p }
        }
        let voiced = min(max(observations[start..<start + bins].reduce(0, +), 0), 1)
        for b in bins..<2 * bins { observations[start + b] = (1 - voiced) / Double(bins) }
        return voiced
    }

    /// The most likely state of each frame (voiced bin b is state b, unvoiced bin b is
    /// bins + b), librosa.sequence.viterbi's answer: first index on ties. Transitions outside
    /// the band have probability 0, which librosa still allows at ln(tiny); the best such
    /// predecessor is the frame's best state overall, so each state weighs it once.
    func viterbi(_ observations: [Double], frames: Int) -> [Int] {
        let states = 2 * bins, width = 2 * reach + 1
        guard frames > 0 else { return [] }
        var value = observations[0..<states].map { log($0 + .leastNormalMagnitude) + log(1 / Double(states) + .leastNormalMagnitude) }
        var next = value
        var from = [UInt16](repeating: 0, count: frames * states)
        for t in 1..<frames {
            let best = value.indices.max { value[$0] < value[$1] }!     // the first of equals
            for j in 0..<states {
                let bin = j % bins, voiced = j < bins
                var pick = -1, top = -Double.infinity
                for half in 0..<2 {
                    let table = (half == 0) == voiced ? logStay : logSwitch
                    for k in max(0, bin - reach)...min(bins - 1, bin + reach) {
                        let s = half * bins + k
                        let v = value[s] + table[k * width + bin - k + reach]
                        if v > top { top = v; pick = s }
                    }
                }
                let outside = abs(best % bins - bin) > reach
                if outside, value[best] + Self.logTiny > top || (value[best] + Self.logTiny == top && best < pick) {
                    top = value[best] + Self.logTiny
                    pick = best
                }
                from[t * states + j] = UInt16(pick)
                next[j] = log(observations[t * states + j] + .leastNormalMagnitude) + top
            }
            swap(&value, &next)
        }
        var path = [Int](repeating: 0, count: frames)
        path[frames - 1] = value.indices.max { value[$0] < value[$1] }!
        for t in stride(from: frames - 1, to: 0, by: -1) { path[t - 1] = Int(from[t * states + path[t]]) }
        return path
    }

    /// The regularised incomplete beta function I_x(a, b) for integer a, b ≥ 1, as the
    /// binomial tail it equals: P(Binomial(a+b−1, x) ≥ a).
    static func betaCDF(_ x: Double, a: Int, b: Int) -> Double {
        let n = a + b - 1
        var sum = 0.0, choose = 1.0
        for k in 0...n {
            if k > 0 { choose = choose * Double(n - k + 1) / Double(k) }
            if k >= a { sum += choose * pow(x, Double(k)) * pow(1 - x, Double(n - k)) }
        }
        return sum
    }
}

/// One signal's pitch, frame by frame (frame t centred on sample `t · hopLength`).
public struct PitchTrack: Sendable, Equatable {
    public let sampleRate: Double
    public let hopLength: Int
    /// F0 in Hz; NaN in unvoiced frames.
    public var f0: [Float]
    public var voiced: [Bool]
    /// pYIN's probability that the frame is voiced before smoothing over time: its periodicity.
    public var voicedProbability: [Float]

    public var frames: Int { f0.count }
}
