import CSndFile
import Foundation

/// Mono audio samples (nominally in [-1, 1]) with their sample rate.
public struct Waveform: Sendable, Equatable {
    public var samples: [Float]
    public var sampleRate: Int

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples; self.sampleRate = sampleRate
    }

    public var duration: Double { Double(samples.count) / Double(sampleRate) }
}

/// What an audio file holds, as libsndfile reports it.
public struct AudioFileInfo: Sendable, Equatable {
    public let frames: Int
    public let sampleRate: Int
    public let channels: Int
    /// Container and encoding, e.g. "WAV (Microsoft)" and "Signed 24 bit PCM".
    public let container: String, encoding: String
    public var duration: Double { Double(frames) / Double(sampleRate) }
}

/// Encodings `AudioFile.write` produces.
public enum AudioFileFormat: String, Sendable, CaseIterable {
    /// WAV, 16-bit signed PCM (samples outside [-1, 1] are clipped).
    case wav16
    /// WAV, 32-bit IEEE float.
    case wavFloat
    /// FLAC, 16-bit (lossless for 16-bit sources).
    case flac
    /// Ogg Vorbis (lossy).
    case oggVorbis
    /// MPEG-1/2 Layer III (lossy; libsndfile 1.1 and later, through LAME).
    case mp3

    /// The file name extension of this format.
    public var fileExtension: String {
        switch self {
        case .wav16, .wavFloat: "wav"
        case .flac: "flac"
        case .oggVorbis: "ogg"
        case .mp3: "mp3"
        }
    }

    /// The format a file name's extension asks for (`.wav` is 16-bit). Any other extension,
    /// or one this build of libsndfile cannot write, is an error naming those it can: bytes
    /// of one format under another's name would mislead every player.
    public static func forExtension(of url: URL) throws -> AudioFileFormat {
        let writable = allCases.filter { $0 != .wavFloat && $0.isWritable }
        if let format = writable.first(where: { $0.fileExtension == url.pathExtension.lowercased() }) {
            return format
        }
        throw AudioError("\(url.path): cannot write audio with this extension; use one of "
            + writable.map { "." + $0.fileExtension }.joined(separator: ", "))
    }

    /// Whether the libsndfile this process runs with can write this format.
    var isWritable: Bool {
        var info = SF_INFO()
        info.samplerate = 22050
        info.channels = 1
        info.format = sndfileFormat
        return sf_format_check(&info) == SF_TRUE
    }

    var sndfileFormat: Int32 {
        switch self {
        case .wav16: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        case .wavFloat: Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        case .flac: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
        case .oggVorbis: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case .mp3: Int32(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III)
        }
    }
}

/// Reading and writing audio files through libsndfile: WAV (8/16/24/32-bit PCM, float),
/// FLAC, OGG/Vorbis, AIFF and the rest libsndfile knows.
public enum AudioFile {
    /// The header of `url` without reading its samples.
    public static func info(_ url: URL) throws -> AudioFileInfo {
        let (file, info) = try open(url)
        sf_close(file)
        return describe(info)
    }

    /// All samples of `url` as mono Float32 (the mean of the channels) with the file's
    /// sample rate. Throws for missing, unreadable or empty files and for NaN or infinite
    /// samples (a float file that would turn every feature into NaN), naming the file.
    public static func read(_ url: URL) throws -> Waveform {
        let (file, info) = try open(url)
        defer { sf_close(file) }
        let frames = Int(info.frames), channels = Int(info.channels)
        guard frames > 0 else { throw AudioError("\(url.path): the audio file holds no samples") }
        var interleaved = [Float](repeating: 0, count: frames * channels)
        let read = interleaved.withUnsafeMutableBufferPointer {
            Int(sf_readf_float(file, $0.baseAddress, sf_count_t(frames)))
        }
        guard read > 0 else {
            throw AudioError("\(url.path): cannot decode the samples (\(String(cString: sf_strerror(file))))")
        }
        if let bad = interleaved.prefix(read * channels).firstIndex(where: { !$0.isFinite }) {
            throw AudioError("\(url.path): sample \(bad / channels) is \(interleaved[bad]), not a finite number; "
                + "the file is damaged: re-export or replace it")
        }
        if channels == 1 { return Waveform(samples: Array(interleaved.prefix(read)), sampleRate: Int(info.samplerate)) }
        var mono = [Float](repeating: 0, count: read)
        let scale = 1 / Float(channels)
        for f in 0..<read {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[f * channels + c] }
            mono[f] = sum * scale
        }
        return Waveform(samples: mono, sampleRate: Int(info.samplerate))
    }

    /// Writes `waveform` as a mono file in `format` (by default the one its extension names,
    /// see ``AudioFileFormat/forExtension(of:)``). Whole or not at all (``StagedFile``): a
    /// failure, such as a full disk, leaves `url` as it was.
    public static func write(_ waveform: Waveform, to url: URL, format: AudioFileFormat? = nil) throws {
        let format = try format ?? .forExtension(of: url)
        try StagedFile.write(to: url) { staging in
            try encode(waveform, format: format, name: url.path,
                       fix: "; nothing was written: free disk space or choose another folder") {
                sf_open(staging.path, Int32(SFM_WRITE), &$0)
            }
        }
    }

    /// `waveform` as the bytes of a mono file in `format`, encoded in memory (libsndfile's
    /// virtual I/O): what ``write(_:to:format:)`` puts in a file, for a caller that stores
    /// the bytes elsewhere (a run's artifacts).
    public static func encode(_ waveform: Waveform, format: AudioFileFormat) throws -> Data {
        let memory = MemoryFile()
        try withExtendedLifetime(memory) {
            try encode(waveform, format: format, name: "\(format.rawValue) audio in memory", fix: "") {
                memory.open(mode: Int32(SFM_WRITE), &$0)
            }
        }
        return Data(memory.bytes)
    }

    /// The one encoder behind `write` and `encode`: `open` opens the destination for writing
    /// with the given header; errors name `name` and end with `fix`.
    private static func encode(_ waveform: Waveform, format: AudioFileFormat, name: String, fix: String,
                               open: (inout SF_INFO) -> OpaquePointer?) throws {
        try AudioError.require(waveform.sampleRate > 0, "sample_rate", waveform.sampleRate, "must be positive")
        guard !waveform.samples.isEmpty else { throw AudioError("\(name): refusing to write an empty signal") }
        var info = SF_INFO()
        info.samplerate = Int32(waveform.sampleRate)
        info.channels = 1
        info.format = format.sndfileFormat
        guard let file = open(&info) else {
            throw AudioError("\(name): cannot create the \(format.rawValue) file (\(String(cString: sf_strerror(nil))))")
        }
        sf_command(file, Int32(SFC_SET_CLIPPING), nil, Int32(SF_TRUE))
        let written = waveform.samples.withUnsafeBufferPointer {
            Int(sf_writef_float(file, $0.baseAddress, sf_count_t($0.count)))
        }
        let problem = written == waveform.samples.count ? nil
            : "wrote \(written) of \(waveform.samples.count) samples (\(String(cString: sf_strerror(file))))"
        // Closing writes the header's final sizes (and a lossy encoder's last frames).
        let closing = sf_close(file)
        if let problem = problem ?? (closing == 0 ? nil : "cannot finish the file (\(String(cString: sf_error_number(closing))))") {
            throw AudioError("\(name): \(problem)\(fix)")
        }
    }

    private static func open(_ url: URL) throws -> (OpaquePointer, SF_INFO) {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw AudioError("\(url.path): no such file")
        }
        var info = SF_INFO()
        guard let file = sf_open(url.path, Int32(SFM_READ), &info) else {
            throw AudioError("\(url.path): not a readable audio file (\(String(cString: sf_strerror(nil))))")
        }
        return (file, info)
    }

    private static func describe(_ info: SF_INFO) -> AudioFileInfo {
        func name(_ format: Int32) -> String {
            var formatInfo = SF_FORMAT_INFO()
            formatInfo.format = format
            let status = sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &formatInfo,
                                    Int32(MemoryLayout<SF_FORMAT_INFO>.size))
            return status == 0 && formatInfo.name != nil ? String(cString: formatInfo.name) : "format 0x\(String(format, radix: 16))"
        }
        return AudioFileInfo(frames: Int(info.frames), sampleRate: Int(info.samplerate),
                             channels: Int(info.channels),
                             container: name(info.format & Int32(SF_FORMAT_TYPEMASK)),
                             encoding: name(info.format & Int32(SF_FORMAT_SUBMASK)))
    }
}
