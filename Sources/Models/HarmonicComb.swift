import Audio
import Foundation

/// Where a voice of a given F0 puts energy on the mel bands: its harmonics h·F0 (up to
/// `fmax`), each drawn through the bands' triangles scaled to a peak of 1,
///
/// ```
/// comb[m] = min(1, Σ_h tri_m(h · F0)),   tri_m(f) = max(0, min((f − f_m)/(f_{m+1} − f_m), (f_{m+2} − f)/(f_{m+2} − f_{m+1})))
/// ```
/// with f_m the mel band edges. Where bands are narrower than F0 (a low voice, the lower
/// bands) the comb alternates between 1 on a harmonic and 0 between two; where several
/// harmonics share a band it saturates at 1. An L1-trained decoder told only "the pitch is
/// p" averages over where the harmonics might fall and blurs them; given the comb it knows.
struct HarmonicComb: Sendable {
    let edges: [Double]
    let top: Double

    init(features: MelFormat) {
        let s = features.settings
        edges = MelFilterbank.edges(nMels: s.nMels, fmin: s.fmin, fmax: s.fmax, scale: .slaney)
        top = min(s.fmax, Double(features.sampleRate) / 2)
    }

    var bands: Int { edges.count - 2 }

    /// The comb of every frame (frame-major, `pitch.count × bands`), zero where a pitch
    /// value is unvoiced (``FrameTargets/f0(ofPitch:)``).
    func callAsFunction(_ pitch: [Float]) -> [Float] {
        var out = [Float](repeating: 0, count: pitch.count * bands)
        for (t, p) in pitch.enumerated() {
            guard let f0 = FrameTargets.f0(ofPitch: p).map(Double.init) else { continue }
            var band = 0, h = 1.0
            while h * f0 < top {
                let f = h * f0
                // Bands are in increasing order: skip those that end below f.
                while band < bands && edges[band + 2] <= f { band += 1 }
                var m = band
                while m < bands && edges[m] < f {
                    let rising = (f - edges[m]) / (edges[m + 1] - edges[m])
                    let falling = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1])
                    out[t * bands + m] += Float(max(0, min(rising, falling)))
                    m += 1
                }
                h += 1
            }
            for m in 0..<bands { out[t * bands + m] = min(1, out[t * bands + m]) }
        }
        return out
    }
}
