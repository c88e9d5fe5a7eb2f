/// Phoneme durations in spectrogram frames from durations in samples.
///
/// With boundaries `B_k = Σ_{i<k} d_i` (samples), a phoneme covers frames
/// `round(B_k / s) ..< round(B_{k+1} / s)`, clamped to `0...frameCount`, where `s` is the
/// number of samples per frame (the hop length, scaled by the ratio of sample rates when the
/// durations count samples of audio that is resampled before analysis), and the last
/// boundary is `frameCount`. So the frame durations are non-negative and sum to `frameCount`
/// exactly (what a length regulator needs), and no rounding error accumulates.
public enum FrameDurations {
    public static func from(samples durations: [Int], samplesPerFrame: Double, frameCount: Int) -> [Int] {
        precondition(samplesPerFrame > 0 && frameCount >= 0)
        guard !durations.isEmpty else { return [] }
        var result: [Int] = []
        result.reserveCapacity(durations.count)
        var boundary = 0
        var previous = 0
        for (k, duration) in durations.enumerated() {
            boundary += duration
            let frame = k == durations.count - 1
                ? frameCount
                : min(frameCount, max(previous, Int((Double(boundary) / samplesPerFrame).rounded())))
            result.append(frame - previous)
            previous = frame
        }
        return result
    }
}

extension FrameDurations {
    /// The inverse of ``from(samples:samplesPerFrame:frameCount:)``: durations in samples
    /// whose boundaries are the frame boundaries `F_k · s` rounded, the last one `sampleCount`
    /// (so they sum to the audio's length). For `s ≥ 1`, ``from(samples:samplesPerFrame:frameCount:)``
    /// gives the frames back.
    public static func samples(from frames: [Int], samplesPerFrame: Double, sampleCount: Int) -> [Int] {
        precondition(samplesPerFrame > 0 && sampleCount >= 0 && frames.allSatisfy { $0 >= 0 })
        var result: [Int] = [], frame = 0, previous = 0
        result.reserveCapacity(frames.count)
        for (k, duration) in frames.enumerated() {
            frame += duration
            let sample = k == frames.count - 1
                ? sampleCount
                : min(sampleCount, max(previous, Int((Double(frame) * samplesPerFrame).rounded())))
            result.append(sample - previous)
            previous = sample
        }
        return result
    }
}
