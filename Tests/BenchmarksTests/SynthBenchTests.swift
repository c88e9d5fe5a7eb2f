import Foundation
import Models
import Testing
import Text
@testable import Benchmarks

/// `bench synth` speaks its sentences and reports the figures its JSON promises.
struct SynthBenchTests {
    @Test func reportsTheRealTimeFactorOfItsSentences() throws {
        let texts = Array(SynthBench.sentences.prefix(3))
        let symbols = [PhonemeSymbols.padding] + Set(try texts.flatMap { try Phonemizer().symbols($0) }).sorted()
        let synthesizer = try Synthesizer(model: FusionTTS(.tiny(symbols: symbols), seed: 1))
        let reference = LogMel(frames: 20, bands: synthesizer.model.config.features.nMels,
                               values: (0..<(20 * synthesizer.model.config.features.nMels)).map { Float($0 % 7) - 5 })
        let report = try SynthBench.run(synthesizer, reference: reference, texts: texts, threads: 1, rounds: 2)
        #expect(report.sentences == 3 && report.vocoder == "Griffin-Lim")
        #expect(report.audioSeconds > 0 && report.seconds > 0 && report.cpuSeconds > 0)
        #expect(abs(report.realTimeFactor - report.seconds / report.audioSeconds) < 1e-9)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        for key in ["real_time_factor", "seconds", "cpu_seconds", "audio_seconds", "sentences", "threads"] {
            #expect(json[key] != nil, "no \(key) in \(json.keys.sorted())")
        }
        #expect(SynthBench.sentences.count == 20)
    }
}
