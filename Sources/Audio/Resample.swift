import CSampleRate

extension Waveform {
    /// libsamplerate's converters, best (slowest) first.
    public enum ResampleQuality: Sendable {
        case best, medium, fastest
        var converter: Int32 {
            switch self {
            case .best: Int32(SRC_SINC_BEST_QUALITY)
            case .medium: Int32(SRC_SINC_MEDIUM_QUALITY)
            case .fastest: Int32(SRC_SINC_FASTEST)
            }
        }
    }

    /// The waveform at `rate` Hz through libsamplerate's band-limited sinc interpolation;
    /// about `count · rate / sampleRate` samples (libsamplerate may emit a few fewer). Unchanged if the rate is already `rate`.
    public func resampled(to rate: Int, quality: ResampleQuality = .best) throws -> Waveform {
        try AudioError.require(rate > 0, "sample_rate", rate, "must be positive")
        if rate == sampleRate { return self }
        let ratio = Double(rate) / Double(sampleRate)
        let outputCount = Int((Double(samples.count) * ratio).rounded())
        var output = [Float](repeating: 0, count: max(1, outputCount))
        var generated = 0
        let status: Int32 = samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var data = SRC_DATA()
                data.data_in = input.baseAddress
                data.input_frames = input.count
                data.data_out = out.baseAddress
                data.output_frames = out.count
                data.src_ratio = ratio
                let status = src_simple(&data, quality.converter, 1)
                generated = Int(data.output_frames_gen)
                return status
            }
        }
        guard status == 0 else {
            throw AudioError("resampling \(sampleRate) Hz → \(rate) Hz failed: \(String(cString: src_strerror(status)))")
        }
        return Waveform(samples: Array(output.prefix(generated)), sampleRate: rate)
    }
}
