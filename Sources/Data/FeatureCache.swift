import Audio
import Foundation

/// The settings of the log-mel features a model trains on. The defaults are the training
/// defaults, read by the experiment schema (`data.*`) and `funaudio audio mel` alike.
public struct MelSettings: Codable, Hashable, Sendable {
    /// The sample rate corpora are read at unless `data.sample_rate` says otherwise.
    public static let sampleRate = 22050

    public var nFFT = 1024
    public var hopLength = 256
    public var winLength = 1024
    public var nMels = 80
    public var fmin = 0.0
    public var fmax = 8000.0
    /// 1: magnitude mel (HiFi-GAN's convention); 2: power.
    public var power: Float = 1
    /// Features are `ln(max(mel, logFloor))`.
    public var logFloor: Float = 1e-5

    public init() {}

    /// The mel analysis of these settings at `sampleRate` (Slaney scale and norm, as training).
    public func melSpectrogram(sampleRate: Int, scale: MelScale = .slaney) throws -> MelSpectrogram {
        try MelSpectrogram(sampleRate: sampleRate, nFFT: nFFT, hopLength: hopLength, winLength: winLength,
                           power: power, nMels: nMels, fmin: fmin, fmax: fmax, scale: scale)
    }

    /// The pitch tracker of the features and of evaluation: pYIN at 50–600 Hz (or up to
    /// Nyquist) with the mel's hop, so pitch frame t is mel frame t, and a frame of at least
    /// two periods of 50 Hz.
    public func pitchTracker(sampleRate: Int) throws -> PYIN {
        let fmin = 50.0, fmax = min(600, Double(sampleRate) / 2)
        var frame = 2
        while Double(frame) < 2 * (Double(sampleRate) / fmin).rounded(.up) { frame *= 2 }
        return try PYIN(sampleRate: Double(sampleRate), fmin: fmin, fmax: fmax, frameLength: frame, hopLength: hopLength)
    }
}

/// Log-mel spectrograms of every item of a corpus, computed once per corpus and settings.
///
/// The cache is a folder `<cache>/features/mel-<key>` (`<cache>` is `corpora/` or the
/// `--cache` of `funaudio run` and `funaudio corpus`, so both use one cache), where `key`
/// hashes the settings, the corpus sample rate, metadata.csv and durations.jsonl and each
/// audio file's name, size and modification time: any change makes a new key. It holds
///
///     mels.f32     all spectrograms, little-endian Float32, item after item, each
///                  frames × nMels, frame-major (one frame's nMels values together)
///     f0.f32       the F0 of every mel frame (``MelSettings/pitchTracker(sampleRate:)``),
///                  in Hz, 0 where unvoiced, item after item: the pitch a model learns
///     index.json   the settings, the key and, per item, its id, offset (in floats) and frames
public struct MelFeatures: Sendable {
    public let settings: MelSettings
    public let folder: URL
    private let storage: Data, f0Storage: Data
    private let spans: [String: (offset: Int, frames: Int)]

    struct Index: Codable {
        struct Entry: Codable { var id: String; var offset: Int; var frames: Int }
        var key: String
        var settings: MelSettings
        var items: [Entry]
    }

    /// The features of `corpus`, from the cache under `cache` when they are there, else
    /// computed and stored; `progress` is called with (done, total) after each item computed.
    public static func load(for corpus: Corpus, settings: MelSettings = MelSettings(),
                            cache: URL, progress: (Int, Int) -> Void = { _, _ in }) throws -> MelFeatures {
        let key = try cacheKey(corpus, settings)
        let folder = folder(in: cache).appendingPathComponent("mel-\(key)")
        func cached(_ folder: URL) -> MelFeatures? {
            guard let features = try? MelFeatures(folder: folder, key: key),
                  corpus.items.allSatisfy({ features.spans[$0.id] != nil }) else { return nil }
            return features
        }
        if let features = cached(folder) { return features }  // the usual case: read once
        try CacheFolder.ensure(folder, isComplete: { cached($0) != nil },
                               build: { try compute(corpus, settings: settings, key: key, into: $0, progress: progress) })
        return try MelFeatures(folder: folder, key: key)
    }

    /// The folder of every corpus's cached features under a cache folder (`corpora/`).
    public static func folder(in cache: URL) -> URL { cache.appendingPathComponent("features") }

    private init(folder: URL, key: String) throws {
        let index = try JSONDecoder().decode(
            Index.self, from: Data(contentsOf: folder.appendingPathComponent("index.json")))
        guard index.key == key else { throw CorpusError(message: "\(folder.path): stale index") }
        storage = try Data(contentsOf: folder.appendingPathComponent("mels.f32"), options: .alwaysMapped)
        f0Storage = try Data(contentsOf: folder.appendingPathComponent("f0.f32"), options: .alwaysMapped)
        settings = index.settings
        self.folder = folder
        var spans: [String: (Int, Int)] = [:]
        for entry in index.items {
            guard entry.offset >= 0, entry.frames >= 0,
                  (entry.offset + entry.frames * settings.nMels) * 4 <= storage.count,
                  (entry.offset / settings.nMels + entry.frames) * 4 <= f0Storage.count else {
                throw CorpusError(message: "\(folder.path)/mels.f32 or f0.f32 is shorter than its index; delete the folder")
            }
            spans[entry.id] = (entry.offset, entry.frames)
        }
        self.spans = spans
    }

    /// Number of frames of item `id`, if the cache has it.
    public func frames(of id: String) -> Int? { spans[id]?.frames }

    /// The log-mel of item `id`: frames × nMels, frame-major.
    public func mel(of id: String) throws -> [Float] {
        let span = try span(of: id)
        return Self.floats(storage, from: span.offset, count: span.frames * settings.nMels)
    }

    /// The F0 of every mel frame of item `id`, in Hz, 0 where pYIN finds the frame unvoiced.
    public func f0(of id: String) throws -> [Float] {
        let span = try span(of: id)
        return Self.floats(f0Storage, from: span.offset / settings.nMels, count: span.frames)
    }

    private func span(of id: String) throws -> (offset: Int, frames: Int) {
        guard let span = spans[id] else { throw CorpusError(message: "\(folder.path): no features for '\(id)'") }
        return span
    }

    /// `count` floats of `storage` from float `offset` (bounds checked when the index was read).
    private static func floats(_ storage: Data, from offset: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            storage.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(out).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[(offset * 4)..<((offset + count) * 4)]))
            }
            initialized = count
        }
    }

    static func cacheKey(_ corpus: Corpus, _ settings: MelSettings) throws -> String {
        struct Fingerprint: Encodable {
            /// 2: with f0.f32.
            var contents = 2
            var settings: MelSettings
            var sampleRate: Int
            var metadata: String
            var durations: String
            var files: [String]
        }
        let fm = FileManager.default
        func fileHash(_ name: String) -> String {
            (try? Data(contentsOf: corpus.root.appendingPathComponent(name))).map { StableHash.hex($0) } ?? "-"
        }
        let files = corpus.items.map { item -> String in
            let attributes = try? fm.attributesOfItem(atPath: item.audioURL.path)
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(item.id) \(size) \(modified)"
        }
        return try StableHash.hex(of: Fingerprint(
            settings: settings, sampleRate: corpus.sampleRate, metadata: fileHash(Corpus.metadataName),
            durations: fileHash(DurationsFile.name), files: files))
    }

    /// Computes every item's features into the empty folder `staging`.
    static func compute(_ corpus: Corpus, settings: MelSettings, key: String, into staging: URL,
                        progress: (Int, Int) -> Void) throws {
        let mel = try settings.melSpectrogram(sampleRate: corpus.sampleRate)
        let pitch = try settings.pitchTracker(sampleRate: corpus.sampleRate)
        var bytes = Data(), f0Bytes = Data()
        var entries: [Index.Entry] = []
        var offset = 0
        for item in corpus.items {
            let samples = try corpus.waveform(of: item).samples
            let spectrogram = try mel(samples).logClamped(floor: settings.logFloor)
            let values = spectrogram.framesMajor()
            // One F0 per mel frame: the frame counts agree for even n_fft; an odd one differs by one.
            let track = try pitch.track(samples)
            let f0 = (0..<spectrogram.frames).map { $0 < track.frames && track.voiced[$0] ? track.f0[$0] : 0 }
            // Float32 in memory is little-endian on every platform Swift runs FunAudio on.
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
            f0.withUnsafeBytes { f0Bytes.append(contentsOf: $0) }
            entries.append(Index.Entry(id: item.id, offset: offset, frames: spectrogram.frames))
            offset += values.count
            progress(entries.count, corpus.items.count)
        }
        try bytes.write(to: staging.appendingPathComponent("mels.f32"))
        try f0Bytes.write(to: staging.appendingPathComponent("f0.f32"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(Index(key: key, settings: settings, items: entries))
            .write(to: staging.appendingPathComponent("index.json"))
    }
}
