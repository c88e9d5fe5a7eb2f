import CEspeakNG
import Foundation

/// The one gate to libespeak-ng, which keeps global state (the selected voice, the
/// parameters, the synthesis callback) and is not thread-safe.
///
/// Every call into the library goes through ``shared``, whose methods hold one `NSLock`
/// for their whole duration: phonemisation and synthesis from many threads are serialised,
/// never interleaved. The library is initialised once, on first use, in synchronous mode
/// (`AUDIO_OUTPUT_SYNCHRONOUS`) with phoneme events reported as IPA names, so that
/// ``synthesize(_:voice:rate:pitch:)`` returns the audio together with the sample at which
/// each phoneme starts.
public final class Espeak: @unchecked Sendable {
    /// The process-wide engine.
    public static let shared = Espeak()

    private let lock = NSLock()
    private var sampleRate: Int?
    /// The buffers of the synthesis in progress; only touched with `lock` held.
    nonisolated(unsafe) private static var collector = SynthesisCollector()

    private init() {}

    /// The sample rate of synthesised audio (22050 Hz for espeak-ng's voices).
    public func outputSampleRate() throws -> Int {
        try locked { try start() }
    }

    /// libespeak-ng's version, e.g. "1.51" (part of the recipe of a synthesised corpus).
    public func version() -> String {
        locked { String(cString: espeak_Info(nil)) }
    }

    /// The phonemes of `text` as libespeak-ng transcribes them with `voice`: one array per
    /// clause (clauses end at `. , ; : ? !`), each an array of words, each word an array of
    /// IPA phoneme names with stress marks attached (`[["h", "ə", "l", "ˈoʊ"], ["w", "ˈɜː",
    /// "l", "d"]]` for "hello world").
    public func phonemes(_ text: String, voice: String) throws -> [[[String]]] {
        try locked {
            _ = try start()
            try select(voice: voice, rate: nil, pitch: nil)
            let separator = Int32(UInt8(ascii: "_")) << 8
            let mode = Int32(espeakPHONEMES_IPA) | separator
            var clauses: [[[String]]] = []
            text.withCString { cText in
                var cursor: UnsafeRawPointer? = UnsafeRawPointer(cText)
                while cursor != nil {
                    guard let result = espeak_TextToPhonemes(&cursor, Int32(espeakCHARS_UTF8), mode)
                    else { break }
                    let words = String(cString: result).split(separator: " ").map {
                        $0.split(separator: "_").map(String.init)
                    }.filter { !$0.isEmpty }
                    if !words.isEmpty { clauses.append(words) }
                }
            }
            return clauses
        }
    }

    /// Speaks `text` with `voice` (a file name such as `en`, `en-us+f3`), at `rate` words per
    /// minute (80–450, espeak-ng's default 175) and `pitch` (0–100, 50 is the voice's own).
    public func synthesize(_ text: String, voice: String, rate: Int = 175, pitch: Int = 50)
        throws -> EspeakSynthesis
    {
        try locked {
            let sampleRate = try start()
            try select(voice: voice, rate: rate, pitch: pitch)
            Self.collector = SynthesisCollector()
            espeak_SetSynthCallback { wav, count, events in
                Espeak.collector.receive(wav: wav, count: Int(count), events: events)
                return 0
            }
            let status = text.withCString { cText in
                espeak_Synth(cText, strlen(cText) + 1, 0, POS_CHARACTER, 0,
                             UInt32(espeakCHARS_UTF8), nil, nil)
            }
            espeak_Synchronize()
            defer { Self.collector = SynthesisCollector() }
            guard status == EE_OK else {
                throw TextError.espeakUnavailable("espeak_Synth returned \(status.rawValue)")
            }
            let samples = Self.collector.samples
            return EspeakSynthesis(
                samples: samples, sampleRate: sampleRate,
                phonemes: PhonemeTiming.align(Self.collector.events, sampleCount: samples.count))
        }
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Initialises libespeak-ng once; returns its sample rate. Call with `lock` held.
    private func start() throws -> Int {
        if let sampleRate { return sampleRate }
        let options = Int32(espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_PHONEME_IPA
                            | espeakINITIALIZE_DONT_EXIT)
        let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nil, options)
        guard rate > 0 else { throw TextError.espeakUnavailable("espeak_Initialize returned \(rate)") }
        sampleRate = Int(rate)
        return Int(rate)
    }

    /// Selects the voice and sets rate and pitch. Call with `lock` held.
    private func select(voice: String, rate: Int?, pitch: Int?) throws {
        guard espeak_SetVoiceByName(voice) == EE_OK else { throw TextError.unknownVoice(voice) }
        if let rate { espeak_SetParameter(espeakRATE, Int32(rate), 0) }
        if let pitch { espeak_SetParameter(espeakPITCH, Int32(pitch), 0) }
    }
}

/// Audio spoken by libespeak-ng with the phonemes it spoke.
public struct EspeakSynthesis: Sendable {
    /// Mono samples in [-1, 1).
    public var samples: [Float]
    public var sampleRate: Int
    /// The phonemes in order; their durations sum to `samples.count`.
    public var phonemes: [TimedPhoneme]
}

/// Accumulates what the synthesis callback receives.
struct SynthesisCollector {
    var samples: [Float] = []
    var events: [PhonemeTiming.Event] = []

    mutating func receive(wav: UnsafeMutablePointer<Int16>?, count: Int,
                          events list: UnsafeMutablePointer<espeak_EVENT>?) {
        if let wav, count > 0 {
            let start = samples.count
            samples.append(contentsOf: repeatElement(0, count: count))
            samples.withUnsafeMutableBufferPointer { out in
                for i in 0..<count { out[start &+ i] = Float(wav[i]) / 32768 }
            }
        }
        guard var event = list else { return }
        while event.pointee.type != espeakEVENT_LIST_TERMINATED {
            switch event.pointee.type {
            case espeakEVENT_PHONEME:
                let name = withUnsafeBytes(of: event.pointee.id.string) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                self.events.append(.phoneme(name, sample: Int(event.pointee.sample)))
            case espeakEVENT_WORD:
                self.events.append(.word(sample: Int(event.pointee.sample)))
            default:
                break
            }
            event += 1
        }
    }
}
